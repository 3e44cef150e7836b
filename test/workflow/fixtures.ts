import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { LoreError, type ErrorCode } from '../../src/errors.js';
import { createOfflineProvider } from '../../src/models/offline/index.js';
import type { ModelProvider } from '../../src/models/provider.js';
import { responseToEvents } from '../../src/models/stream.js';
import type { ConverseRequest } from '../../src/models/types.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { SqliteRunStore } from '../../src/stores/sqlite/run-store.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { defineTool, type AnyTool } from '../../src/tools/tool.js';
import { createWorkflowEngine, type WorkflowEngine, type WorkflowEngineDeps } from '../../src/workflow/engine.js';
import type { OperatorEvent } from '../../src/workflow/operator.js';
import type { WorkflowStore as RunStore } from '../../src/workflow/workflow-store.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

export function tempDir(prefix = 'lore-wf-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A refund tool that records each execution with its idempotency key. */
export function refundTool(executions: Array<{ key: string; order_id: string; amount: number }>): AnyTool {
  return defineTool({
    name: 'issue_refund',
    description: 'Issue a refund of an amount of money for an order.',
    input: z.object({ order_id: z.string().describe('the order id, e.g. A-1001'), amount: z.number().positive().describe('amount in dollars') }),
    mutating: true,
    handler: (input, ctx) => {
      executions.push({ key: ctx.idempotencyKey, ...input });
      return { refund_id: `rf_${executions.length}`, order_id: input.order_id, amount: input.amount, status: 'refunded' };
    },
  }) as unknown as AnyTool;
}

/** Wraps a provider: the first `times` calls (matching `when`) throw a LoreError with `code`. */
export function flakyProvider(inner: ModelProvider, opts: { code: ErrorCode; times: number; when?: (req: ConverseRequest) => boolean }): ModelProvider & { calls: number; failures: number } {
  const self = {
    specificationVersion: 'v1' as const,
    modelId: `flaky(${inner.modelId})`,
    calls: 0,
    failures: 0,
    async converse(req: ConverseRequest, o?: { signal?: AbortSignal }) {
      self.calls++;
      if ((opts.when?.(req) ?? true) && self.failures < opts.times) {
        self.failures++;
        throw new LoreError(opts.code, `injected ${opts.code} #${self.failures}`);
      }
      return inner.converse(req, o);
    },
    async *converseStream(req: ConverseRequest, o?: { signal?: AbortSignal }) {
      yield* responseToEvents(await self.converse(req, o));
    },
  };
  return self;
}

/** Reason's requests carry the tool config; Dispatch's and the memory decision's do not. */
export const isReasonRequest = (req: ConverseRequest) => !!req.toolConfig;
export const isIntentRequest = (req: ConverseRequest) => JSON.stringify(req.system ?? []).includes('Classify the intent');

export interface Harness {
  rt: Runtime;
  engine: WorkflowEngine;
  runs: SqliteRunStore;
  events: OperatorEvent[];
  logLines: string[];
  close(): Promise<void>;
}

/** A runtime + engine on a SQLite file; call again with the same dbPath to "restart". */
export function makeHarness(opts: {
  dbPath: string;
  provider?: ModelProvider;
  tools?: AnyTool[];
  engine?: Partial<WorkflowEngineDeps>;
  config?: Record<string, unknown>;
  /** Decorate the store the engine sees (e.g. to observe checkpoints). */
  wrapRuns?: (runs: RunStore) => RunStore;
}): Harness {
  const config = loadConfig({}, { dataDir: join(opts.dbPath, '..'), ...(opts.config ?? {}) });
  const rt = createRuntime(config, { dbPath: opts.dbPath, provider: opts.provider ?? createOfflineProvider(), ...(opts.tools ? { tools: opts.tools } : {}) });
  const runs = new SqliteRunStore(sqliteDb(rt));
  const events: OperatorEvent[] = [];
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const engine = createWorkflowEngine({
    turnDeps: rt.turnDeps,
    runs: opts.wrapRuns ? opts.wrapRuns(runs) : runs,
    approvals: config.approvals,
    logger: createLogger({ level: 'info', destination: sink }),
    onOperatorEvent: (e) => events.push(e),
    sleep: async () => {},
    ...opts.engine,
  });
  return {
    rt,
    engine,
    runs,
    events,
    logLines,
    close: async () => {
      await engine.close();
      rt.close();
    },
  };
}

export const T = { tenantId: 'default', userId: 'alice' };
