import type { LoreConfig } from './config.js';
import type { TurnDeps } from './agent/turn.js';
import { createGuardrail } from './guardrails/from-config.js';
import type { Guardrail } from './guardrails/port.js';
import type { KnowledgeStore } from './memory/knowledge-store.js';
import { memoryDepsFrom, type MemoryDeps } from './memory/memory-deps.js';
import type { SessionStore } from './memory/session-store.js';
import { createOfflineProvider } from './models/offline/index.js';
import type { ModelProvider } from './models/provider.js';
import type { Embedder } from './memory/embedder.js';
import { createEmbedder } from './memory/select-embedder.js';
import { createModelProvider } from './models/select.js';
import type { Backend } from './backend.js';
import { openBackend, openBackendSync, type OpenBackendOptions } from './backend-registry.js';
import { learningPolicyFrom } from './learning/policy-config.js';
import { builtinTools } from './tools/builtins/index.js';
import { createSearchKnowledgeTool } from './tools/builtins/search-knowledge.js';
import { ToolRegistry } from './tools/registry.js';
import type { AnyTool } from './tools/tool.js';
import type { ApprovalPolicy } from './workflow/approvals.js';
import { instrumentProvider } from './telemetry/instrument-provider.js';
import { createLogger, type Logger } from './telemetry/logger.js';
import { LoreMetrics } from './telemetry/metrics.js';
import { createPriceTable, type PriceTable } from './telemetry/prices.js';
import { createTracing, type Tracing } from './telemetry/tracing.js';

/**
 * The composition root: turns one parsed config into the stores, model and tools of a running
 * Lore, on the embedded defaults (one SQLite file under dataDir).
 */
export interface Runtime {
  config: LoreConfig;
  /** Every store, from one backend bundle (src/backend.ts; config.store picks it). */
  backend: Backend;
  provider: ModelProvider;
  sessions: SessionStore;
  knowledge: KnowledgeStore;
  /** The embedder of hybrid search (config.memory.embedder), absent for BM25 alone; `lore reindex` uses it. */
  embedder?: Embedder;
  /** Long-term memory: session summaries and each user's own memory (README "Memory"). */
  memory: MemoryDeps;
  tools: ToolRegistry;
  turnDeps: TurnDeps;
  /** Input, output, tool-result, knowledge and learning screening (config.guardrails). */
  guard: Guardrail;
  logger: Logger;
  metrics: LoreMetrics;
  tracing: Tracing;
  prices: PriceTable;
  /** Approval policies from the agent definition; the engine's defaults (tool flag, amount) when unset. */
  approvalPolicies?: ApprovalPolicy[];
  /** Shut tracing down and close the backend (SQLite closes at once, before this resolves). */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Replace the configured model (tests, embedding Lore in an app). */
  provider?: ModelProvider;
  /** Extra tools registered next to the built-ins. */
  tools?: AnyTool[];
  /** The agent's persona at the head of the system prompt (Lore's own instructions always follow). */
  systemPrompt?: string;
  /** Replace the engine's approval policies (see workflow/approvals.ts: defaultPolicies). */
  approvalPolicies?: ApprovalPolicy[];
  /** SQLite path; defaults to <dataDir>/lore.db (LORE_STORE=sqlite only). */
  dbPath?: string;
  /** A backend built elsewhere (openRuntime, tests); the runtime then owns and closes it. */
  backend?: Backend;
  /** Where logs go (default stderr). */
  logDestination?: NodeJS.WritableStream;
  /** Trace exporter override, e.g. 'memory' in tests. */
  traceExporter?: 'none' | 'console' | 'otlp' | 'memory';
}

export function createRuntime(config: LoreConfig, opts: RuntimeOptions = {}): Runtime {
  const logger = createLogger({ level: config.logLevel, ...(opts.logDestination ? { destination: opts.logDestination } : {}) });
  const metrics = new LoreMetrics({ defaultTenant: config.tenant });
  const prices = createPriceTable(config.telemetry.prices ?? {});
  const tracing = createTracing({
    exporter: opts.traceExporter ?? config.telemetry.exporter,
    serviceName: 'lore',
    ...(config.telemetry.otlpEndpoint ? { otlpEndpoint: config.telemetry.otlpEndpoint } : {}),
  });
  // Every model call — answers, memory decisions, judging — is traced, timed and priced.
  const provider = instrumentProvider(opts.provider ?? createModelProvider(config, { offline: createOfflineProvider }), { tracer: tracing.tracer, metrics, prices });
  const embedder = createEmbedder(config);
  const backend = opts.backend ?? openBackendSync(config, backendOptions(opts, embedder, logger));
  const { sessions, knowledge } = backend;
  const memory = memoryDepsFrom(config, backend.memory);
  const tools = new ToolRegistry([...builtinTools(), createSearchKnowledgeTool(knowledge, config.memory.topK) as unknown as AnyTool, ...(opts.tools ?? [])]);
  const guard = createGuardrail(config, { metrics, logger, provider });
  const turnDeps: TurnDeps = {
    provider,
    tools,
    guard,
    tracer: tracing.tracer,
    sessions,
    knowledge,
    memory,
    learning: learningPolicyFrom(config),
    settings: {
      maxIterations: config.agent.maxIterations,
      turnTokenBudget: config.agent.turnTokenBudget,
      toolTimeoutMs: config.agent.toolTimeoutMs,
      maxTokens: config.agent.maxTokens,
      temperature: config.agent.temperature,
      intent: config.agent.intent,
      historyTurns: config.memory.historyTurns,
      topK: config.memory.topK,
      contextTokens: config.memory.contextTokens,
      sessionTtlSeconds: config.memory.sessionTtlSeconds,
      ...(opts.systemPrompt !== undefined ? { systemPrompt: opts.systemPrompt } : {}),
    },
  };
  return {
    config,
    backend,
    provider,
    sessions,
    knowledge,
    ...(embedder ? { embedder } : {}),
    memory,
    tools,
    turnDeps,
    guard,
    logger,
    metrics,
    tracing,
    prices,
    ...(opts.approvalPolicies ? { approvalPolicies: opts.approvalPolicies } : {}),
    close: () => {
      void tracing.shutdown();
      return backend.close();
    },
  };
}

function backendOptions(opts: RuntimeOptions, embedder: Embedder | undefined, logger: Logger): OpenBackendOptions {
  return {
    ...(opts.dbPath ? { sqlitePath: opts.dbPath } : {}),
    ...(embedder ? { embedder } : {}),
    onWarning: (message, err) => logger.warn({ err }, message),
  };
}

/**
 * createRuntime over the configured backend (config.store: LORE_STORE), opened asynchronously so
 * a backend whose adapter loads on demand (DynamoDB) can be selected. The CLI and createAgent use this.
 */
export async function openRuntime(config: LoreConfig, opts: RuntimeOptions = {}): Promise<Runtime> {
  if (opts.backend || config.store.kind === 'sqlite') return createRuntime(config, opts);
  const embedder = createEmbedder(config);
  const logger = createLogger({ level: config.logLevel, ...(opts.logDestination ? { destination: opts.logDestination } : {}) });
  const backend = await openBackend(config, backendOptions(opts, embedder, logger));
  return createRuntime(config, { ...opts, backend });
}
