import type { Backend } from '../backend.js';
import { createEmbedder } from '../memory/select-embedder.js';
import { openRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { createAgentService, type AgentService } from '../service.js';
import { defaultPolicies } from '../workflow/approvals.js';
import { createOperatorNotifier, type OperatorEvent } from '../workflow/operator.js';
import { createStepHandlers } from '../workflow/steps.js';
import type { StepHandler } from '../workflow/step-types.js';
import { emfLine, stdoutSink, type MetricSink } from './emf.js';
import type { LambdaSettings } from './env.js';
import { createStepFunctions, type StepFunctionsPort } from './sfn.js';
import { sqliteDb } from '../stores/sqlite/backend.js';
import { SqliteTaskTokenStore } from '../stores/sqlite/task-tokens.js';
import { createDynamoTaskTokenStore } from '../stores/dynamodb/task-tokens.js';
import type { TaskTokenStore } from './task-tokens.js';

/**
 * What one Lambda container builds once, on its first invocation, and reuses while it is warm: the
 * runtime (stores, model, tools, guardrails) and the same step handlers the local engine runs.
 * The backend is the configured one (LORE_STORE: the stack sets dynamodb; tests use sqlite), opened
 * by openRuntime like the CLI does.
 */
export interface LambdaContainer {
  settings: LambdaSettings;
  rt: Runtime;
  service: AgentService;
  steps: Record<string, StepHandler>;
  tokens: TaskTokenStore;
  sfn: StepFunctionsPort;
  close(): Promise<void>;
}

export interface ContainerOptions {
  /** Extra tools, a model override, a log destination (tests; an app embedding Lore). */
  runtime?: RuntimeOptions;
  sfn?: StepFunctionsPort;
  onOperatorEvent?: (e: OperatorEvent) => void;
  /** Where EMF metric lines go (stdout, which Lambda ships to CloudWatch Logs). */
  metrics?: MetricSink;
}

export async function buildContainer(settings: LambdaSettings, opts: ContainerOptions = {}): Promise<LambdaContainer> {
  const { config, aws } = settings;
  const backend = config.store.kind === 'dynamodb' && !opts.runtime?.backend ? await openDynamoBackend(settings) : undefined;
  const rt = await openRuntime(config, {
    ...(backend ? { backend } : {}), traceExporter: config.telemetry.exporter, ...opts.runtime });
  // Judged turns (the nightly evaluator) also become the CloudWatch metric the quality alarm reads.
  const sink = opts.metrics ?? stdoutSink;
  const scored = rt.metrics.turnScored.bind(rt.metrics);
  rt.metrics.turnScored = (p) => {
    scored(p);
    sink(emfLine({ QualityScore: { value: p.score, unit: 'None' } }, { Service: 'lore' }));
  };
  const service = createAgentService(rt, { evaluate: false, ...(opts.onOperatorEvent ? { onOperatorEvent: opts.onOperatorEvent } : {}) });
  const budgeted = config.budgets.sessionTokens > 0 || config.budgets.tenantTokens > 0;
  const steps = createStepHandlers({
    turn: rt.turnDeps,
    runs: service.runs,
    approvals: { ttlSeconds: config.approvals.ttlSeconds, policies: rt.approvalPolicies ?? defaultPolicies(config.approvals.amountThreshold) },
    now: Date.now,
    // Operator events become structured log lines (CloudWatch metric filters and alarms read them).
    operator: createOperatorNotifier(rt.logger, opts.onOperatorEvent),
    ...(budgeted
      ? { beforeModelCall: async ({ usage, identity }) => void (await service.budgets.check({ tenantId: identity.tenantId, sessionId: identity.sessionId, estimate: usage.totalTokens })) }
      : {}),
  });
  return {
    settings,
    rt,
    service,
    steps,
    tokens: taskTokensFor(rt),
    sfn: opts.sfn ?? createStepFunctions({ region: aws.AWS_REGION, ...(aws.LORE_SFN_ENDPOINT ? { endpoint: aws.LORE_SFN_ENDPOINT } : {}) }),
    async close() {
      await service.close();
      await rt.close();
    },
  };
}

/** Build on first use, then reuse: module scope outlives invocations in a warm Lambda container. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

/** The task-token store beside the run store: SQLite's file, or a DynamoDB table. */
function taskTokensFor(rt: Runtime): TaskTokenStore {
  if (rt.backend.kind === 'sqlite') return new SqliteTaskTokenStore(sqliteDb(rt));
  const d = rt.config.store.dynamodb;
  return createDynamoTaskTokenStore({ tableName: `${d.tablePrefix}task-tokens`, region: d.region, ...(d.endpoint ? { endpoint: d.endpoint } : {}) });
}

/**
 * The DynamoDB backend, imported by a literal specifier: the registry's import() names its module
 * through a variable, which esbuild cannot follow, so a bundled function would not contain it.
 * The same options the registry passes (src/backend-registry.ts).
 */
async function openDynamoBackend({ config }: LambdaSettings): Promise<Backend> {
  const [{ createBackend }, { bedrockKbSettings, externalKbSettings }] = await Promise.all([import('../stores/dynamodb/backend.js'), import('../backend-registry.js')]);
  const d = config.store.dynamodb;
  const embedder = createEmbedder(config);
  // Knowledge as configured (LORE_KNOWLEDGE, LORE_EXTERNAL_KB_ID): without these the functions would search DynamoDB alone.
  const bedrockKb = bedrockKbSettings(config);
  const externalKb = externalKbSettings(config);
  return createBackend({
    sessionTtlSeconds: config.memory.sessionTtlSeconds,
    chunkTokens: config.memory.chunkTokens,
    chunkOverlap: config.memory.chunkOverlap,
    ...(embedder ? { embedder } : {}),
    tablePrefix: d.tablePrefix,
    region: d.region,
    ...(d.endpoint ? { endpoint: d.endpoint } : {}),
    ...(bedrockKb ? { bedrockKb } : {}),
    ...(externalKb ? { externalKb } : {}),
  });
}
