import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { forgetEverything, forgetMemoryItem } from '../memory/forget.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { createRefundTool } from '../tools/examples/refund.js';
import type { AnyTool } from '../tools/tool.js';
import type { RunResult, TurnRunner } from '../workflow/types.js';
import { checkCorpus, checkExpectation } from './check.js';
import { runCorpus, summarise, type Chat } from './governance.js';
import type { Scenario } from './scenario.js';

export interface StepOutcome {
  index: number;
  label: string;
  passed: boolean;
  failures: string[];
  answer: string;
  latencyMs: number;
}

export interface ScenarioOutcome {
  name: string;
  file: string;
  passed: boolean;
  steps: StepOutcome[];
  tokens: number;
  /** The scenario's class tag, for the per-class pass rate. */
  class?: string;
  /** Its class's own required pass rate, when it has one. */
  minPassRate?: number;
  error?: string;
}

export interface EvalDeps {
  /** Build the turn runner (the workflow engine) over a runtime. */
  makeRunner: (rt: Runtime) => TurnRunner & { close?: () => void | Promise<void>; memoryJobs?: { drain(): Promise<void> } };
  env?: Record<string, string | undefined>;
}

/** Run one scenario on a fresh data dir, so scenarios never see each other's memory. */
export async function runScenario(scenario: Scenario, file: string, deps: EvalDeps): Promise<ScenarioOutcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-eval-'));
  const outcome: ScenarioOutcome = {
    name: scenario.name,
    file,
    passed: false,
    steps: [],
    tokens: 0,
    ...(scenario.class ? { class: scenario.class } : {}),
    ...(scenario.min_pass_rate !== undefined ? { minPassRate: scenario.min_pass_rate } : {}),
  };
  let rt: Runtime | undefined;
  let runner: ReturnType<EvalDeps['makeRunner']> | undefined;
  try {
    // Auth on changes who curates (nobody, by default); no token is ever checked here.
    const auth = scenario.auth ? { 'auth.hs256Secret': 'eval-only-secret-never-used-for-tokens-000', 'auth.issuer': 'lore-eval', 'auth.audience': 'lore-eval' } : {};
    const config = loadConfig(deps.env ?? {}, { ...auth, ...scenario.config, dataDir });
    const tools: AnyTool[] = (scenario.tools ?? []).map((t) => (t === 'issue_refund' ? (createRefundTool() as unknown as AnyTool) : (undefined as never)));
    rt = await openRuntime(config, { tools });
    runner = deps.makeRunner(rt);
    for (const d of scenario.documents ?? []) {
      await rt.knowledge.upsertDocument({ tenantId: config.tenant, sourceUri: d.source, kind: 'document', text: d.text, actor: 'eval' });
    }
    let last: RunResult | undefined;
    for (const [index, step] of scenario.steps.entries()) {
      const started = performance.now();
      let result: RunResult;
      let label: string;
      if ('corpus' in step) {
        const chat: Chat = (userId, sessionId, message) => runner!.start({ tenantId: config.tenant, sessionId, userId, message });
        const results = await runCorpus(chat, step.corpus, { prefix: `s${index}` });
        const failures = checkCorpus(summarise(results), step.expect);
        outcome.steps.push({ index, label: `corpus of ${step.corpus.length}`, passed: failures.length === 0, failures, answer: '', latencyMs: performance.now() - started });
        continue;
      }
      if ('forget' in step) {
        const failures = await forget(rt, config.tenant, step.user ?? 'eval-user', step.forget);
        outcome.steps.push({ index, label: `forget ${step.forget}`, passed: failures.length === 0, failures, answer: '', latencyMs: performance.now() - started });
        continue;
      }
      if ('message' in step) {
        label = `[${step.session}] ${step.message}`;
        result = await runner.start({ tenantId: config.tenant, sessionId: step.session, userId: step.user ?? 'eval-user', message: step.message });
        // Scenarios are sequential: the after-turn memory work (summaries) finishes before the next step.
        await runner.memoryJobs?.drain();
      } else {
        const pending = last?.pendingApprovals?.find((p) => p.status === 'pending');
        label = `${step.approval} approval`;
        if (!pending) {
          outcome.steps.push({ index, label, passed: false, failures: ['no pending approval to decide'], answer: '', latencyMs: 0 });
          continue;
        }
        result = await runner.decideApproval({ tenantId: config.tenant, approvalId: pending.approvalId, decision: step.approval, actor: 'eval', ...(step.reason ? { reason: step.reason } : {}) });
      }
      last = result;
      outcome.tokens += result.usage.totalTokens;
      const failures = checkExpectation(result, step.expect);
      outcome.steps.push({ index, label, passed: failures.length === 0, failures, answer: result.answer, latencyMs: performance.now() - started });
    }
    outcome.passed = outcome.steps.every((s) => s.passed);
  } catch (e) {
    outcome.error = e instanceof Error ? e.message : String(e);
  } finally {
    await runner?.close?.();
    await rt?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return outcome;
}

/** The user's control over their memory, as the /me/memory routes and `lore memory forget` use it. */
async function forget(rt: Runtime, tenantId: string, userId: string, what: string): Promise<string[]> {
  const m = rt.memory.store;
  const who = { tenantId, userId };
  if (what === 'all') {
    const r = await forgetEverything({ store: m, sessions: rt.sessions, summaryTtlSeconds: rt.memory.retention(tenantId).summarySeconds }, who);
    return r.facts + r.summaries > 0 ? [] : ['nothing was remembered to forget'];
  }
  const facts = (await m.listFacts(who)).filter((f) => f.text.toLowerCase().includes(what.toLowerCase()));
  for (const f of facts) await forgetMemoryItem(m, { ...who, id: f.id });
  return facts.length ? [] : [`no remembered fact mentions "${what}"`];
}
