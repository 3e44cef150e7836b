import type { LoreConfig } from '../config.js';
import { LoreError } from '../errors.js';
import type { KnowledgeDoc, SearchHit } from '../memory/knowledge-store.js';
import type { Runtime, RuntimeOptions } from '../runtime.js';
import { createAgentService, type AgentService } from '../service.js';
import type { AnyTool } from '../tools/tool.js';
import { describeFsError } from '../util/fs-errors.js';
import { newId } from '../util/ids.js';
import type { PendingApproval, RunRecord, RunResult } from '../workflow/types.js';
import { z } from 'zod';
import { createScheduler, type JobStatus } from '../ingress/scheduler.js';
import { assemble } from './assemble.js';
import { scheduledTurnJobs } from './schedules.js';
import type { AgentDefinition } from './definition.js';
import { runEvents, type RunStream } from './event-stream.js';

/** Who a turn is for. Episodic memory is per session; knowledge and learnings are per tenant. */
export interface TurnOptions {
  /** Default `default`. */
  sessionId?: string;
  /** Default `local`. */
  userId?: string;
  /** Default: config `tenant` (`default`). */
  tenantId?: string;
  signal?: AbortSignal;
}

export interface CreateAgentOptions extends AgentDefinition {
  /** SQLite file; default `<dataDir>/lore.db`. `:memory:` keeps everything in memory. */
  dbPath?: string;
  /** Env vars read as settings (LORE_MODEL…); none by default, so a library never reads process.env behind your back. */
  env?: Record<string, string | undefined>;
  /** Run the sampled LLM judge after turns (default: config `evaluation.enabled`). */
  evaluate?: boolean;
  /** Where logs go (default stderr; set `logLevel: 'silent'` to mute them). */
  logDestination?: RuntimeOptions['logDestination'];
  /**
   * Run the definition's `schedules` while the agent is open (default true), as `lore serve` does;
   * false when another process (your server, `lore serve`) runs them over the same data.
   */
  runSchedules?: boolean;
}

export interface Agent {
  readonly config: LoreConfig;
  /** e.g. `offline`, `bedrock:…` */
  readonly modelId: string;
  /** Every tool the model can call: built-ins, yours, and those of your tool sources. */
  readonly tools: ReadonlyArray<Pick<AnyTool, 'name' | 'description' | 'mutating' | 'requiresApproval' | 'idempotent'>>;
  /**
   * Run one durable turn to COMPLETED, FAILED or AWAITING_APPROVAL (a call that needs a person
   * parks the run: see `approvals`). Model and tool problems resolve with `status: 'FAILED'`.
   */
  ask(message: string, opts?: TurnOptions): Promise<RunResult>;
  /** The same turn, as the AG-UI events `POST /chat` streams (RUN_STARTED … RUN_FINISHED). */
  stream(message: string, opts?: TurnOptions): RunStream;
  approvals: {
    list(opts?: { tenantId?: string; userId?: string; status?: PendingApproval['status'] }): Promise<PendingApproval[]>;
    /** Approve (the call runs, once) or reject (the model is told why); resolves with the continued run. */
    decide(approvalId: string, decision: 'approve' | 'reject', opts?: { actor?: string; reason?: string; tenantId?: string }): Promise<RunResult>;
  };
  knowledge: {
    /** Add or replace (same sourceUri) a document; searchable when the promise resolves. */
    ingest(doc: { sourceUri: string; text: string; tenantId?: string }): Promise<KnowledgeDoc>;
    search(query: string, opts?: { topK?: number; tenantId?: string }): Promise<SearchHit[]>;
  };
  learnings: {
    /** Facts the agent learned from its users (newest first). */
    list(opts?: { tenantId?: string; limit?: number; status?: KnowledgeDoc['status'] }): Promise<KnowledgeDoc[]>;
  };
  runs: {
    get(runId: string, opts?: { tenantId?: string }): Promise<RunRecord | null>;
  };
  /** The definition's schedules and their last/next runs (empty when there are none or `runSchedules: false`). */
  schedules(): JobStatus[];
  /** The parts underneath, for what the surface above does not cover. */
  readonly runtime: Runtime;
  readonly service: AgentService;
  /**
   * Lets turns and decisions already asked for finish, then closes tool sources and the database.
   * Calls after it reject with `ABORTED`. Safe to call twice.
   */
  close(): Promise<void>;
}

const IngestDoc = z.object({ sourceUri: z.string().min(1), text: z.string().min(1), tenantId: z.string().min(1).optional() }).strict();

/**
 * Create an agent: the runtime (stores, model, tools), the durable workflow engine and the
 * evaluator, from one definition (the same object a `lore.config.ts` exports).
 *
 * @example
 * const agent = await createAgent({ systemPrompt: 'You are a support agent.', tools: [refund], dataDir: '.lore' });
 * const r = await agent.ask('Refund order A-1 for $50', { sessionId: 's1' });
 * await agent.close();
 */
export async function createAgent(options: CreateAgentOptions = {}): Promise<Agent> {
  const { dbPath, env, evaluate, logDestination, runSchedules = true, ...def } = options;
  const parts = await assemble(def, {
    env: env ?? {},
    runtime: { ...(dbPath ? { dbPath } : {}), ...(logDestination ? { logDestination } : {}) },
  }).catch((e: unknown) => {
    // A data dir that cannot be created or a database that cannot be opened is a setting to fix.
    const fs = describeFsError(e);
    throw fs ? new LoreError('CONFIG_INVALID', fs, { cause: e }) : e;
  });
  const { rt, config } = parts;
  const service = createAgentService(rt, evaluate === undefined ? {} : { evaluate });
  const who = (o: TurnOptions = {}) => ({ tenantId: o.tenantId ?? config.tenant, sessionId: o.sessionId ?? 'default', userId: o.userId ?? 'local' });
  // Without this, `schedules` given to createAgent would be accepted and silently never run.
  const scheduler =
    runSchedules && parts.schedules.length
      ? createScheduler({ jobs: scheduledTurnJobs(parts.schedules, { runner: service, config, logger: rt.logger }), logger: rt.logger })
      : undefined;
  scheduler?.start();
  let closing: Promise<void> | undefined;
  // Turns and decisions under way: close() lets them finish before the stores close, since the
  // engine only knows a run once it has started it (a call made just before close() had not).
  const inFlight = new Set<Promise<unknown>>();
  const open = <T>(work: () => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(new LoreError('ABORTED', 'this agent is closed: create a new one with createAgent()'));
    const p = work();
    inFlight.add(p);
    void p.then(
      () => inFlight.delete(p),
      () => inFlight.delete(p),
    );
    return p;
  };

  return {
    config,
    modelId: rt.provider.modelId,
    tools: rt.tools.list().map(({ name, description, mutating, requiresApproval, idempotent }) => ({ name, description, mutating, requiresApproval, idempotent })),
    ask: (message, o) => open(() => service.start({ ...who(o), message, ...(o?.signal ? { signal: o.signal } : {}) })),
    stream(message, o) {
      const params = { ...who(o), message, runId: newId('run') };
      return runEvents(params, (onEvent) => open(() => service.start({ ...params, stream: true, onEvent, ...(o?.signal ? { signal: o.signal } : {}) })));
    },
    approvals: {
      list: (o = {}) => service.listApprovals({ tenantId: o.tenantId ?? config.tenant, ...(o.userId ? { userId: o.userId } : {}), ...(o.status ? { status: o.status } : {}) }),
      decide: (approvalId, decision, o = {}) => {
        // A JavaScript caller can pass anything; "maybe" is a bad decision, not a missing approval.
        if (decision !== 'approve' && decision !== 'reject') {
          return Promise.reject(new LoreError('VALIDATION_FAILED', `decision must be 'approve' or 'reject', got ${JSON.stringify(decision)}`));
        }
        return open(() => service.decideApproval({ tenantId: o.tenantId ?? config.tenant, approvalId, decision, actor: o.actor ?? 'local', ...(o.reason ? { reason: o.reason } : {}) }));
      },
    },
    knowledge: {
      ingest: (d) => {
        // A JavaScript caller may pass an array or a typo; say what one document looks like.
        const doc = IngestDoc.safeParse(d);
        if (!doc.success) {
          const issue = doc.error.issues[0]!;
          return Promise.reject(
            new LoreError('VALIDATION_FAILED', `knowledge.ingest() takes one document { sourceUri, text, tenantId? }: ${issue.path.join('.') || 'the argument'}: ${issue.message}`),
          );
        }
        const { tenantId, sourceUri, text } = doc.data;
        return open(() => rt.knowledge.upsertDocument({ tenantId: tenantId ?? config.tenant, sourceUri, kind: 'document', text, actor: 'library' }));
      },
      search: (query, o = {}) => rt.knowledge.search({ tenantId: o.tenantId ?? config.tenant, query, topK: o.topK ?? config.memory.topK }),
    },
    learnings: {
      list: (o = {}) => rt.knowledge.listDocuments({ tenantId: o.tenantId ?? config.tenant, kind: 'learning', status: o.status ?? 'active', limit: o.limit ?? 100 }),
    },
    runs: {
      get: (runId, o = {}) => service.getRun({ tenantId: o.tenantId ?? config.tenant, runId }),
    },
    schedules: () => scheduler?.status() ?? [],
    runtime: rt,
    service,
    close: () =>
      (closing ??= (async () => {
        await scheduler?.stop();
        await Promise.allSettled([...inFlight]);
        await service.close();
        await parts.close();
      })()),
  };
}
