/**
 * Time to first token (TTFT) of a streamed turn against a model with a fixed latency, for each
 * intent routing mode (config agent.intent). The model is a local stand-in that waits --latency ms
 * on every call, then streams its reply, so the figures show how many round trips sit before the
 * first token: `model` classifies first (two latencies), `rules` decides clear messages locally
 * (one latency) and asks the model only for a message no rule decides.
 *
 *   npx tsx bench/ttft.ts [--latency 500] [--turns 5]
 */
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import type { ModelProvider } from '../src/models/provider.js';
import { responseToEvents } from '../src/models/stream.js';
import type { ConverseRequest, ConverseResponse } from '../src/models/types.js';
import { createRuntime } from '../src/runtime.js';
import { createAgentService } from '../src/service.js';
import { INTENT_SYSTEM_PROMPT } from '../src/workflow/intent.js';

const { values } = parseArgs({ options: { latency: { type: 'string', default: '500' }, turns: { type: 'string', default: '5' } } });
const latency = Math.max(0, Number(values.latency));
const turns = Math.max(1, Math.min(Number(values.turns), 100));

function slowModel(): ModelProvider & { calls: number } {
  const self = {
    specificationVersion: 'v1' as const,
    modelId: 'latency-stand-in',
    calls: 0,
    async converse(req: ConverseRequest): Promise<ConverseResponse> {
      self.calls++;
      await new Promise((r) => setTimeout(r, latency));
      const classify = req.system?.some((s) => 'text' in s && s.text === INTENT_SYSTEM_PROMPT);
      const text = classify ? 'question' : 'The refund window for annual plans is 30 days from purchase.';
      return { output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: { inputTokens: 100, outputTokens: 12, totalTokens: 112 } };
    },
    async *converseStream(req: ConverseRequest) {
      yield* responseToEvents(await self.converse(req), 5);
    },
  };
  return self;
}

const MESSAGES = [
  { kind: 'plain question', text: 'What is the refund window for annual plans?' },
  { kind: 'statement (no rule decides)', text: 'Our fiscal year starts in April' },
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: string[][] = [];
for (const mode of ['model', 'rules', 'off'] as const) {
  for (const m of MESSAGES) {
    const dataDir = mkdtempSync(join(tmpdir(), 'lore-ttft-'));
    const provider = slowModel();
    const rt = createRuntime(loadConfig({ LORE_INTENT: mode }, { dataDir, logLevel: 'error' }), { provider });
    const svc = createAgentService(rt, { evaluate: false });
    const ttft: number[] = [];
    const total: number[] = [];
    try {
      for (let i = 0; i < turns; i++) {
        const t0 = performance.now();
        let first = 0;
        await svc.start({ tenantId: 'bench', sessionId: `s${i}`, userId: 'u', message: m.text, stream: true, onEvent: (e) => void (e.type === 'text_delta' && !first && (first = performance.now())) });
        total.push(performance.now() - t0);
        ttft.push(first - t0);
      }
    } finally {
      await svc.close();
      rt.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    rows.push([mode, m.kind, (provider.calls / turns).toFixed(1), median(ttft).toFixed(1), (median(ttft) - latency).toFixed(1), median(total).toFixed(1)]);
  }
}

console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, node ${process.version}; model latency ${latency} ms per call; median of ${turns} turns`);
const head = ['intent', 'message', 'model calls/turn (incl. after-turn jobs)', 'TTFT ms', 'TTFT − 1 latency', 'turn ms'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
