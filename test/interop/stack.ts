import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { SqliteFeedbackStore } from '../../src/stores/sqlite/feedback-store.js';
import { startServer, type RunningServer } from '../../src/ingress/server.js';
import type { ModelProvider } from '../../src/models/provider.js';
import type { ContentBlock, ConverseRequest, Message } from '../../src/models/types.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createAgentService } from '../../src/service.js';
import { createRefundTool, type IssuedRefund } from '../../src/tools/examples/refund.js';
import type { AnyTool } from '../../src/tools/tool.js';
import { scriptedProvider } from '../support/scripted-provider.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

export interface InteropStack {
  url: string;
  rt: Runtime;
  refunds: IssuedRefund[];
  close(): Promise<void>;
}

/** A real server on 127.0.0.1 (SQLite in a temp dir) with the given model and the refund tool. */
export async function startInteropStack(provider: ModelProvider, o: { config?: Record<string, unknown>; runtime?: Parameters<typeof createRuntime>[1] } = {}): Promise<InteropStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-interop-'));
  const config = loadConfig({}, { dataDir, logLevel: 'silent', ...o.config });
  const refunds: IssuedRefund[] = [];
  const rt = createRuntime(config, { provider, tools: [createRefundTool(refunds) as unknown as AnyTool], ...o.runtime });
  const svc = createAgentService(rt, { evaluate: false });
  const server: RunningServer = await startServer(
    { config, runner: svc, sessions: rt.sessions, knowledge: rt.knowledge, feedback: new SqliteFeedbackStore(sqliteDb(rt)), traces: rt.tracing.spans, tracer: rt.tracing.tracer, metrics: rt.metrics, logger: rt.logger, healthCheck: () => void sqliteDb(rt).prepare('SELECT 1').get() },
    { host: '127.0.0.1', port: 0, drainMs: 2000, stopRuns: () => svc.engine.close() },
  );
  return {
    url: server.url,
    rt,
    refunds,
    async close() {
      await server.close();
      await svc.close();
      rt.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const text = (m: Message | undefined) => (m?.content ?? []).flatMap((b) => ('text' in b ? [b.text] : [])).join('');

/**
 * A model with a few fixed habits, decided from what it is sent (as a real model would be):
 * classify intent as "question"; answer a tool result; call `change_background` when asked for a
 * colour (if the client offered it), `issue_refund` when asked for a refund, learn when told
 * something to remember, else greet.
 */
export function habitModel() {
  const reply = (req: ConverseRequest): ContentBlock[] => {
    if (!req.toolConfig) return [{ text: 'question' }]; // intent classification / memory decisions
    const last = req.messages.at(-1)!;
    const result = last.content.find((b) => 'toolResult' in b);
    if (result && 'toolResult' in result) {
      const out = result.toolResult.content.map((c) => ('text' in c ? c.text : JSON.stringify(c.json))).join('');
      return [{ text: `Done: ${out}` }];
    }
    const ask = text(last);
    const offered = (name: string) => req.toolConfig!.tools.some((t) => t.name === name);
    let m: RegExpMatchArray | null;
    if (/background/i.test(ask) && offered('change_background')) return [{ toolUse: { toolUseId: `tu_bg_${req.messages.length}`, name: 'change_background', input: { color: 'teal' } } }];
    if ((m = ask.match(/refund (\d+)/i))) return [{ toolUse: { toolUseId: `tu_rf_${m[1]}`, name: 'issue_refund', input: { order_id: 'A-1001', amount: Number(m[1]) } } }];
    if (/remember/i.test(ask)) return [{ text: 'Noted.\n[LEARNING]: The deploy window for the payments team is Tuesday 14:00 UTC.' }];
    return [{ text: `Hello! You said: ${ask}` }];
  };
  return scriptedProvider([reply], { repeatLast: true });
}
