import { BudgetManager } from './learning/budget.js';
import { Evaluator } from './learning/evaluator.js';
import { MemoryJobs } from './memory/memory-jobs.js';
import type { Runtime } from './runtime.js';
import type { EvaluationStore } from './learning/evaluation-store.js';
import type { FeedbackStore } from './learning/feedback-store.js';
import { workflowStore, type WorkflowStore } from './workflow/workflow-store.js';
import { createWorkflowEngine, type WorkflowEngine } from './workflow/engine.js';
import type { RunResult, StartRunParams, TurnRunner } from './workflow/types.js';

/**
 * The agent service: the durable workflow engine over a runtime, with token budgets checked
 * before every model call, and the evaluator and metrics fed after every turn. The CLI, the HTTP
 * server, the queue worker and the scenario evals all run turns through this.
 */
export interface AgentService extends TurnRunner {
  engine: WorkflowEngine;
  evaluator: Evaluator;
  budgets: BudgetManager;
  runs: WorkflowStore;
  evaluations: EvaluationStore;
  feedback: FeedbackStore;
  /** Session summarisation after turns, off the latency path (memory/memory-jobs.ts). */
  memoryJobs: MemoryJobs;
  close(): Promise<void>;
}

export interface AgentServiceOptions {
  /** Run the LLM judge after turns (config evaluation.enabled by default). */
  evaluate?: boolean;
  onOperatorEvent?: Parameters<typeof createWorkflowEngine>[0]['onOperatorEvent'];
}

export function createAgentService(rt: Runtime, opts: AgentServiceOptions = {}): AgentService {
  const { backend } = rt;
  const runs = workflowStore(backend);
  const { evaluations, feedback } = backend;
  const budgets = BudgetManager.fromConfig(rt.config.budgets, backend.usage);
  const budgeted = rt.config.budgets.sessionTokens > 0 || rt.config.budgets.tenantTokens > 0;
  const engine = createWorkflowEngine({
    turnDeps: rt.turnDeps,
    runs,
    approvals: rt.config.approvals,
    ...(rt.approvalPolicies ? { approvalPolicies: rt.approvalPolicies } : {}),
    logger: rt.logger,
    onStep: (step, ms, status) => rt.metrics.stepDuration(step, ms, status),
    ...(opts.onOperatorEvent ? { onOperatorEvent: opts.onOperatorEvent } : {}),
    // Earlier turns are charged from their stored results; this turn's spend so far is the estimate.
    ...(budgeted
      ? { beforeModelCall: async ({ usage, identity }) => void (await budgets.check({ tenantId: identity.tenantId, sessionId: identity.sessionId, estimate: usage.totalTokens })) }
      : {}),
  });
  const evaluator = new Evaluator({
    provider: rt.provider,
    store: evaluations,
    feedback,
    sampleRate: rt.config.evaluation.sampleRate,
    lowScoreThreshold: rt.config.evaluation.lowScoreThreshold,
    metrics: rt.metrics,
    logger: rt.logger,
  });
  const evaluate = opts.evaluate ?? rt.config.evaluation.enabled;
  const memoryJobs = new MemoryJobs({ sessions: rt.sessions, memory: rt.memory, provider: rt.provider, historyTurns: rt.config.memory.historyTurns, guard: rt.guard, logger: rt.logger });

  /** Who ran it; the question only once read back from the run (the stored form is the redacted one). */
  type Origin = { tenantId: string; userId: string; question?: string };
  const lookup = async (runId: string): Promise<Origin | null> => {
    const run = await runs.getRun({ runId });
    return run ? { tenantId: run.tenantId, userId: run.userId, question: run.message } : null;
  };
  /** Metrics and the (async, sampled) judge once a run is terminal; paused runs wait. */
  const after = async (r: RunResult, t0: number, origin?: Origin): Promise<RunResult> => {
    rt.metrics.turnDuration(performance.now() - t0, r.status);
    if (r.status !== 'COMPLETED' && r.status !== 'FAILED') return r;
    const known = origin ?? (await lookup(r.runId));
    rt.metrics.runFinished({ iterations: r.iterations, status: r.status });
    rt.metrics.interaction(known?.tenantId);
    // Fold turns that left the window into the session summary — after the answer, not before it.
    if (r.status === 'COMPLETED') {
      const o = known;
      if (o) void memoryJobs.submit({ tenantId: o.tenantId, sessionId: r.sessionId, userId: o.userId });
    }
    const written = r.learnings.filter((l) => l.event === 'ADD' || l.event === 'UPDATE').length;
    if (written) rt.metrics.learningsWritten(written, known?.tenantId);
    for (const t of r.toolCalls) rt.metrics.toolCall(t.name, t.status === 'success' ? 'success' : 'error', t.latencyMs);
    if (r.intent === 'feedback') {
      // A thumb typed into the chat re-scores the turn it was about right away.
      const target = await feedback.feedbackTarget({ runId: r.runId });
      if (target) await evaluator.refreshQuality(target);
    } else if (evaluate && r.status === 'COMPLETED' && r.answer) {
      const o = known?.question === undefined ? await lookup(r.runId) : known;
      if (o?.question !== undefined) evaluator.submit({ runId: r.runId, tenantId: o.tenantId, sessionId: r.sessionId, userId: o.userId, question: o.question, answer: r.answer });
    }
    return r;
  };

  return {
    engine,
    evaluator,
    budgets,
    runs,
    evaluations,
    feedback,
    memoryJobs,
    async start(p: StartRunParams) {
      // Tenant and user are the caller's (validated by the engine); the run is read back only if the judge needs the question.
      const t0 = performance.now();
      // A new session: its user's earlier sessions get their final summary before it answers.
      await memoryJobs.beforeTurn({ tenantId: p.tenantId, sessionId: p.sessionId, userId: p.userId });
      return after(await engine.start(p), t0, { tenantId: p.tenantId, userId: p.userId });
    },
    enqueue: (p) => engine.enqueue(p),
    async resume(runId, o) {
      const t0 = performance.now();
      return after(await engine.resume(runId, o), t0);
    },
    recoverInFlight: () => engine.recoverInFlight(),
    getRun: (p) => engine.getRun(p),
    listRuns: (p) => engine.listRuns(p),
    listApprovals: (p) => engine.listApprovals(p),
    getApproval: (p) => engine.getApproval(p),
    async decideApproval(p) {
      const t0 = performance.now();
      return after(await engine.decideApproval(p), t0);
    },
    async close() {
      await engine.close();
      await evaluator.drain();
      await memoryJobs.drain();
    },
  };
}
