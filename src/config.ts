import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { LoreError } from './errors.js';

/**
 * One configuration, parsed once from env vars and an optional JSON config file, then passed down.
 * Nothing below this file reads process.env.
 */

const modelSpec = z
  .string()
  .regex(/^(offline|bedrock:.+|openai:[^@]+@https?:\/\/.+)$/, 'offline | bedrock:<modelId> | openai:<model>@<baseUrl>');

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);

export const configSchema = z
  .object({
    model: modelSpec.default('offline'),
    dataDir: z.string().min(1).default('.lore'),
    tenant: z.string().min(1).default('default'),
    // Where every store lives (src/backend.ts): one SQLite file under dataDir, or DynamoDB (+ SQS).
    store: z
      .object({
        kind: z.enum(['sqlite', 'dynamodb']).default('sqlite'),
        dynamodb: z
          .object({
            // Every table name starts with this, so several deployments can share an account.
            tablePrefix: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('lore'),
            // DynamoDB Local or another compatible endpoint; the region's endpoint when unset.
            endpoint: z.string().url().optional(),
            region: z.string().min(1).default('us-east-1'),
          })
          .strict()
          .prefault({}),
        // The queue slot of LORE_STORE=dynamodb: SQS in the region, or a local SQS-compatible endpoint.
        sqs: z
          .object({
            // A local endpoint (ElasticMQ, LocalStack, a test server): queues are created when missing.
            endpoint: z.string().url().optional(),
            // SQS names are `${queuePrefix}<queue>` and `…-dlq`; default: the table prefix.
            queuePrefix: z.string().min(1).max(60).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ - only').optional(),
          })
          .strict()
          .prefault({}),
        // Knowledge on LORE_STORE=dynamodb: the DynamoDB store alone, or Bedrock Knowledge Bases with it as the recent tier.
        knowledge: z.enum(['dynamodb', 'bedrock-kb']).default('dynamodb'),
        bedrockKb: z
          .object({
            knowledgeBaseId: z.string().min(1).optional(),
            dataSourceId: z.string().min(1).optional(),
            // The data source's S3 bucket and the key prefix Lore writes documents under.
            bucket: z.string().min(3).max(63).regex(/^[a-z0-9][a-z0-9.-]+$/, 'an S3 bucket name').optional(),
            prefix: z.string().max(200).default('lore/'),
            // Local endpoints (development, tests); the region's when unset.
            endpoint: z.string().url().optional(),
            s3Endpoint: z.string().url().optional(),
            // inline: this process starts and polls ingestion jobs (a long-running server);
            // scheduled: writes only queue them in the ledger, a scheduled sync starts them (Lambda).
            ingestion: z.enum(['inline', 'scheduled']).default('inline'),
          })
          .strict()
          .prefault({}),
        // An existing Bedrock knowledge base Lore reads from (never writes to), merged into knowledge search.
        externalKb: z
          .object({
            knowledgeBaseId: z.string().regex(/^[A-Za-z0-9]{10}$/, 'a knowledge base id (10 letters/digits)').optional(),
            // Tenant isolation (one is required): only this tenant may read it, and/or the metadata
            // key whose value must equal the tenant id (a Retrieve filter).
            tenant: z.string().min(1).optional(),
            tenantKey: z.string().min(1).max(100).optional(),
            timeoutMs: int(100, 60_000).default(3000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: int(0, 65535).default(8787),
        bodyLimitBytes: int(1024).default(256 * 1024),
        rateLimitPerMinute: int(1).default(600),
        workers: int(1, 64).default(4),
        // HTTP server processes sharing the port and the SQLite file (node:cluster); 1 = no cluster.
        processes: int(1, 64).default(1),
        // When set, GET /metrics needs `Authorization: Bearer <token>` (its labels name tenants and models).
        metricsToken: z.string().min(16, 'at least 16 characters').optional(),
        // With auth on, /metrics without a token is refused unless made public explicitly.
        metricsPublic: bool.default(false),
        // Per-tenant series in /metrics (tenant ids are customer names): opt-in; summed otherwise.
        metricsTenantLabels: bool.default(false),
      })
      .strict()
      .prefault({}),
    agent: z
      .object({
        maxIterations: int(1, 50).default(5),
        turnTokenBudget: int(100).default(50_000),
        toolTimeoutMs: int(1).default(10_000),
        maxTokens: int(1).default(1024),
        temperature: num(0, 2).default(0.2),
        // How Dispatch routes a message: rules first (model only when ambiguous), always the model, or never.
        intent: z.enum(['rules', 'model', 'off']).default('rules'),
      })
      .strict()
      .prefault({}),
    modelCall: z
      .object({
        timeoutMs: int(1).default(60_000),
        maxRetries: int(0, 10).default(3),
        baseDelayMs: int(0).default(200),
        region: z.string().default('us-east-1'),
        endpoint: z.string().url().optional(),
        apiKey: z.string().optional(),
      })
      .strict()
      .prefault({}),
    memory: z
      .object({
        sessionTtlSeconds: int(1).default(3600),
        historyTurns: int(0, 200).default(10),
        topK: int(1, 50).default(5),
        chunkTokens: int(16, 8192).default(512),
        chunkOverlap: num(0, 0.9).default(0.2),
        // Token budget of the retrieved knowledge in a prompt; how many chunks share it adapts to the question.
        contextTokens: int(0, 100_000).default(3000),
        embedder: z.string().regex(/^(none|bedrock:.+|openai:[^@\s]+@https?:\/\/\S+)$/, 'none | bedrock:<embeddingModelId> | openai:<model>@<baseUrl>').default('none'),
        // Vector size of the embedder (default: 1024 for Titan v2, 768 for openai-compatible models).
        embedderDimensions: int(1, 16_384).optional(),
        // Long-term memory (README "Memory"): turns leaving the window (historyTurns, or windowTokens
        // of turn text) are folded into a rolling session summary, after the turn, off the latency path.
        summary: z
          .object({
            enabled: bool.default(true),
            windowTokens: int(0).default(4000), // 0 = the turn count alone bounds the window
            batchTurns: int(1, 200).default(2), // fold once this many turns wait outside the window
            maxTokens: int(20, 8000).default(300), // length bound of a summary
            finaliseIdleSeconds: int(1).default(900), // a session quiet this long gets its final summary (before its turns expire)
            // A new session's first turn waits this long at most for its user's earlier sessions' final
            // summaries. 0 (default): never; the pass starts before the turn and runs beside it, so no
            // summarisation round trip sits before the first token (the latency issue's rule).
            finaliseWaitMs: int(0, 60_000).default(0),
          })
          .strict()
          .prefault({}),
        // Facts about the user themself, kept per user and put in every session of theirs.
        userMemory: z
          .object({
            enabled: bool.default(true),
            maxFacts: int(0, 200).default(20),
            pastSummaries: int(0, 20).default(2), // summaries of their earlier sessions matching the message
          })
          .strict()
          .prefault({}),
        // Retention per kind; tenants may override any of them (config file only).
        retention: z
          .object({
            summarySeconds: int(1).default(90 * 86_400),
            userFactSeconds: int(1).default(365 * 86_400),
            tenants: z
              .record(z.string().min(1), z.object({ turnSeconds: int(1).optional(), summarySeconds: int(1).optional(), userFactSeconds: int(1).optional() }).strict())
              .default({}),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        jwksUrl: z.string().url().optional(),
        hs256Secret: z.string().min(32, 'at least 32 characters').optional(),
        issuer: z.string().optional(),
        audience: z.string().optional(),
        tenantClaim: z.string().default('custom:tenant'),
        // Tokens without the tenant claim are refused unless this names the tenant they belong to.
        defaultTenant: z.string().min(1).optional(),
        // exp is required; a token may live at most this long (exp - iat, or exp - now without iat).
        maxTokenAgeSeconds: int(60).default(24 * 3600),
        // Slack for clock skew on exp, nbf and iat.
        clockToleranceSeconds: int(0, 300).default(5),
        // Claim listing the caller's roles (string or array of strings), and the role that curates learnings.
        rolesClaim: z.string().min(1).default('lore:roles'),
        curatorRole: z.string().min(1).default('curator'),
        // The role that decides other users' tool-call approvals in its tenant (curators may too).
        approverRole: z.string().min(1).default('approver'),
      })
      .strict()
      .prefault({}),
    // The learning trust model (README "Governance"). mode unset = auto without auth (the local
    // user is the curator), review with auth.
    learning: z
      .object({
        mode: z.enum(['auto', 'review', 'off']).optional(),
        // Per-tenant override of mode, e.g. {"acme": "auto"} (config file only).
        tenantModes: z.record(z.string().min(1), z.enum(['auto', 'review', 'off'])).default({}),
        sensitiveSubjects: z.array(z.enum(['payment', 'links', 'credentials', 'approvals', 'security', 'bypass', 'instructions', 'obfuscated'])).default(['payment', 'links', 'credentials', 'approvals', 'security', 'bypass', 'instructions', 'obfuscated']),
        // Extra regexes (case-insensitive) that make a learning sensitive.
        sensitivePatterns: z.array(z.string().min(1)).default([]),
        corroborationUsers: int(2, 1000).default(3),
        maxPerUserPerHour: int(1).default(20),
        thumbsDownToReview: int(1, 1000).default(3),
      })
      .strict()
      .prefault({}),
    // Finished runs (steps, effects, decided approvals) are deleted this long after they started;
    // 0 keeps them forever. 90 days, as Step Functions keeps execution history.
    runs: z
      .object({ retentionSeconds: int(0).default(90 * 86_400) })
      .strict()
      .prefault({}),
    approvals: z
      .object({
        ttlSeconds: int(1).default(24 * 3600),
        amountThreshold: num(0, Number.MAX_SAFE_INTEGER).default(1000),
      })
      .strict()
      .prefault({}),
    budgets: z
      .object({
        sessionTokens: int(0).default(0),
        tenantTokens: int(0).default(0),
      })
      .strict()
      .prefault({}),
    evaluation: z
      .object({
        sampleRate: num(0, 1).default(1),
        lowScoreThreshold: num(0, 1).default(0.4),
        nightlyCron: z.string().default('0 2 * * *'),
        enabled: bool.default(true),
      })
      .strict()
      .prefault({}),
    guardrails: z
      .object({
        // builtin: the detectors in src/guardrails; bedrock: those, then Amazon Bedrock ApplyGuardrail.
        provider: z.enum(['builtin', 'bedrock']).default('builtin'),
        bedrockGuardrailId: z.string().min(1).optional(),
        bedrockGuardrailVersion: z.string().min(1).default('DRAFT'),
        // Topics the assistant refuses: [{ name, phrases: [...], message? }] (config file only).
        deniedTopics: z.array(z.object({ name: z.string().min(1), phrases: z.array(z.string().min(1)).min(1), message: z.string().min(1).optional() }).strict()).default([]),
        // redact: PII in a user message is replaced by placeholders; block: the message is refused.
        piiMode: z.enum(['redact', 'block']).default('redact'),
        // Tenant setting: may a user keep PII in their own personal memory (held, never shared)?
        personalOptOut: bool.default(false),
        // Also ask the model for a strict-JSON verdict (input, learning, tool results): one more model call each.
        modelGuard: bool.default(false),
      })
      .strict()
      .prefault({}),
    telemetry: z
      .object({
        exporter: z.enum(['none', 'console', 'otlp']).default('none'),
        otlpEndpoint: z.string().url().optional(),
        /** Keep recent traces in memory for GET /runs/:id/trace. Off with exporter none: no span is recorded at all. */
        recentTraces: bool.default(true),
        prices: z.record(z.string(), z.object({ input: z.number(), output: z.number(), cacheRead: z.number().optional(), cacheWrite: z.number().optional() })).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type LoreConfig = z.infer<typeof configSchema>;

/** Env var → config path, with the expected form shown in errors and docs. */
export const ENV_VARS: ReadonlyArray<{ env: string; path: string; doc: string }> = [
  { env: 'LORE_MODEL', path: 'model', doc: 'offline | bedrock:<modelId> | openai:<model>@<baseUrl>' },
  { env: 'LORE_DATA_DIR', path: 'dataDir', doc: 'directory for the SQLite database' },
  { env: 'LORE_TENANT', path: 'tenant', doc: 'default tenant for CLI use' },
  { env: 'LORE_STORE', path: 'store.kind', doc: 'sqlite | dynamodb: where sessions, knowledge, runs and the queue live' },
  { env: 'LORE_DYNAMODB_TABLE_PREFIX', path: 'store.dynamodb.tablePrefix', doc: 'prefix of every DynamoDB table name (default lore)' },
  { env: 'LORE_DYNAMODB_ENDPOINT', path: 'store.dynamodb.endpoint', doc: 'DynamoDB endpoint URL (e.g. DynamoDB Local); the region\'s when unset' },
  { env: 'LORE_SQS_ENDPOINT', path: 'store.sqs.endpoint', doc: 'SQS endpoint URL (a local SQS-compatible server); the region\'s when unset' },
  { env: 'LORE_SQS_QUEUE_PREFIX', path: 'store.sqs.queuePrefix', doc: 'prefix of the SQS queue names (default: the table prefix)' },
  { env: 'LORE_KNOWLEDGE', path: 'store.knowledge', doc: 'dynamodb | bedrock-kb: the knowledge store of LORE_STORE=dynamodb' },
  { env: 'LORE_BEDROCK_KB_ID', path: 'store.bedrockKb.knowledgeBaseId', doc: 'Bedrock knowledge base id (LORE_KNOWLEDGE=bedrock-kb)' },
  { env: 'LORE_BEDROCK_KB_DATA_SOURCE_ID', path: 'store.bedrockKb.dataSourceId', doc: 'the knowledge base\'s S3 data source id (LORE_KNOWLEDGE=bedrock-kb)' },
  { env: 'LORE_KNOWLEDGE_BUCKET', path: 'store.bedrockKb.bucket', doc: 'S3 bucket of that data source (LORE_KNOWLEDGE=bedrock-kb)' },
  { env: 'LORE_KNOWLEDGE_PREFIX', path: 'store.bedrockKb.prefix', doc: 'S3 key prefix of Lore\'s documents in that bucket (default lore/)' },
  { env: 'LORE_BEDROCK_KB_ENDPOINT', path: 'store.bedrockKb.endpoint', doc: 'Bedrock Agent (and Agent Runtime) endpoint URL; the region\'s when unset' },
  { env: 'LORE_KB_INGESTION', path: 'store.bedrockKb.ingestion', doc: 'inline | scheduled: who starts ingestion jobs (scheduled: a periodic sync, for Lambda)' },
  { env: 'LORE_EXTERNAL_KB_ID', path: 'store.externalKb.knowledgeBaseId', doc: 'an existing Bedrock knowledge base searched read-only beside Lore\'s knowledge' },
  { env: 'LORE_EXTERNAL_KB_TENANT', path: 'store.externalKb.tenant', doc: 'the one tenant allowed to read that knowledge base' },
  { env: 'LORE_EXTERNAL_KB_TENANT_KEY', path: 'store.externalKb.tenantKey', doc: 'metadata key of that knowledge base holding the tenant id (a Retrieve filter)' },
  { env: 'LORE_EXTERNAL_KB_TIMEOUT_MS', path: 'store.externalKb.timeoutMs', doc: 'Retrieve timeout on that knowledge base; past it the turn goes on without it' },
  { env: 'LORE_S3_ENDPOINT', path: 'store.bedrockKb.s3Endpoint', doc: 'S3 endpoint URL (a local S3-compatible server); the region\'s when unset' },
  { env: 'LORE_LOG_LEVEL', path: 'logLevel', doc: 'fatal|error|warn|info|debug|trace|silent' },
  { env: 'LORE_HOST', path: 'server.host', doc: 'listen address' },
  { env: 'LORE_PORT', path: 'server.port', doc: 'listen port' },
  { env: 'LORE_BODY_LIMIT_BYTES', path: 'server.bodyLimitBytes', doc: 'max request body' },
  { env: 'LORE_RATE_LIMIT_PER_MINUTE', path: 'server.rateLimitPerMinute', doc: 'requests per user per minute' },
  { env: 'LORE_WORKERS', path: 'server.workers', doc: 'async queue worker concurrency' },
  { env: 'LORE_SERVER_PROCESSES', path: 'server.processes', doc: 'HTTP server processes (node:cluster) sharing the port and database' },
  { env: 'LORE_METRICS_TOKEN', path: 'server.metricsToken', doc: 'bearer token GET /metrics requires (≥ 16 chars)' },
  { env: 'LORE_METRICS_PUBLIC', path: 'server.metricsPublic', doc: 'serve GET /metrics without a token even when auth is on' },
  { env: 'LORE_METRICS_TENANT_LABELS', path: 'server.metricsTenantLabels', doc: 'per-tenant series in GET /metrics (default: summed)' },
  { env: 'LORE_MAX_ITERATIONS', path: 'agent.maxIterations', doc: 'ReAct iteration cap' },
  { env: 'LORE_TURN_TOKEN_BUDGET', path: 'agent.turnTokenBudget', doc: 'max tokens one turn may spend' },
  { env: 'LORE_TOOL_TIMEOUT_MS', path: 'agent.toolTimeoutMs', doc: 'default tool timeout' },
  { env: 'LORE_MAX_TOKENS', path: 'agent.maxTokens', doc: 'max output tokens per model call' },
  { env: 'LORE_INTENT', path: 'agent.intent', doc: 'intent routing: rules (model only when ambiguous), model, or off' },
  { env: 'LORE_MODEL_TIMEOUT_MS', path: 'modelCall.timeoutMs', doc: 'timeout per model call' },
  { env: 'LORE_MODEL_MAX_RETRIES', path: 'modelCall.maxRetries', doc: 'retries on throttling/5xx' },
  { env: 'AWS_REGION', path: 'modelCall.region', doc: 'AWS region for Bedrock' },
  { env: 'AWS_REGION', path: 'store.dynamodb.region', doc: 'AWS region for DynamoDB (LORE_STORE=dynamodb)' },
  { env: 'LORE_BEDROCK_ENDPOINT', path: 'modelCall.endpoint', doc: 'override the Bedrock endpoint URL' },
  { env: 'LORE_OPENAI_API_KEY', path: 'modelCall.apiKey', doc: 'bearer key for openai-compatible servers' },
  { env: 'LORE_SESSION_TTL_SECONDS', path: 'memory.sessionTtlSeconds', doc: 'episodic turn TTL' },
  { env: 'LORE_HISTORY_TURNS', path: 'memory.historyTurns', doc: 'last N turns put in context' },
  { env: 'LORE_KB_TOP_K', path: 'memory.topK', doc: 'knowledge chunks put in context' },
  { env: 'LORE_CHUNK_TOKENS', path: 'memory.chunkTokens', doc: 'chunk size in tokens' },
  { env: 'LORE_CHUNK_OVERLAP', path: 'memory.chunkOverlap', doc: 'chunk overlap fraction' },
  { env: 'LORE_EMBEDDER', path: 'memory.embedder', doc: 'none | bedrock:<embeddingModelId> | openai:<model>@<baseUrl>' },
  { env: 'LORE_EMBEDDER_DIMENSIONS', path: 'memory.embedderDimensions', doc: 'embedding vector size (Titan 1024, openai 768 by default)' },
  { env: 'LORE_CONTEXT_TOKENS', path: 'memory.contextTokens', doc: 'token budget of retrieved knowledge in a prompt (0 = unbounded)' },
  { env: 'LORE_SUMMARY_ENABLED', path: 'memory.summary.enabled', doc: 'fold turns leaving the window into a session summary' },
  { env: 'LORE_SUMMARY_WINDOW_TOKENS', path: 'memory.summary.windowTokens', doc: 'token budget of the turn window (0 = turn count only)' },
  { env: 'LORE_SUMMARY_BATCH_TURNS', path: 'memory.summary.batchTurns', doc: 'turns waiting outside the window that trigger a summary' },
  { env: 'LORE_SUMMARY_MAX_TOKENS', path: 'memory.summary.maxTokens', doc: 'length bound of a session summary' },
  { env: 'LORE_SUMMARY_FINALISE_WAIT_MS', path: 'memory.summary.finaliseWaitMs', doc: "a new session's first turn waits at most this long for the user's earlier sessions' final summaries (0 = never)" },
  { env: 'LORE_USER_MEMORY', path: 'memory.userMemory.enabled', doc: 'keep facts about each user in their own memory' },
  { env: 'LORE_RETENTION_SUMMARY_SECONDS', path: 'memory.retention.summarySeconds', doc: 'session summaries are kept for' },
  { env: 'LORE_RETENTION_USER_FACT_SECONDS', path: 'memory.retention.userFactSeconds', doc: 'facts about a user are kept for' },
  { env: 'LORE_AUTH_JWKS_URL', path: 'auth.jwksUrl', doc: 'JWKS URL for JWT verification' },
  { env: 'LORE_AUTH_HS256_SECRET', path: 'auth.hs256Secret', doc: 'HS256 secret (≥ 32 chars)' },
  { env: 'LORE_AUTH_ISSUER', path: 'auth.issuer', doc: 'expected JWT issuer' },
  { env: 'LORE_AUTH_AUDIENCE', path: 'auth.audience', doc: 'expected JWT audience' },
  { env: 'LORE_AUTH_TENANT_CLAIM', path: 'auth.tenantClaim', doc: 'claim holding the tenant id' },
  { env: 'LORE_AUTH_ROLES_CLAIM', path: 'auth.rolesClaim', doc: 'claim holding the caller\'s roles (default lore:roles)' },
  { env: 'LORE_AUTH_CURATOR_ROLE', path: 'auth.curatorRole', doc: 'role that reviews learnings (default curator)' },
  { env: 'LORE_AUTH_APPROVER_ROLE', path: 'auth.approverRole', doc: 'role that decides any approval of its tenant (default approver; curators may too)' },
  { env: 'LORE_LEARNING_MODE', path: 'learning.mode', doc: 'auto | review | off (default: auto without auth, review with auth)' },
  { env: 'LORE_LEARNING_CORROBORATION_USERS', path: 'learning.corroborationUsers', doc: 'distinct users stating a fact that share it' },
  { env: 'LORE_LEARNING_MAX_PER_USER_PER_HOUR', path: 'learning.maxPerUserPerHour', doc: 'new learnings per user per hour' },
  { env: 'LORE_LEARNING_THUMBS_DOWN_TO_REVIEW', path: 'learning.thumbsDownToReview', doc: 'distinct thumbs-down that send a shared learning back to review' },
  { env: 'LORE_AUTH_DEFAULT_TENANT', path: 'auth.defaultTenant', doc: 'tenant of tokens without the tenant claim (unset = refused)' },
  { env: 'LORE_AUTH_MAX_TOKEN_AGE_SECONDS', path: 'auth.maxTokenAgeSeconds', doc: 'longest token lifetime accepted (exp is required)' },
  { env: 'LORE_AUTH_CLOCK_TOLERANCE_SECONDS', path: 'auth.clockToleranceSeconds', doc: 'clock skew allowed on exp/nbf/iat' },
  { env: 'LORE_RUN_RETENTION_SECONDS', path: 'runs.retentionSeconds', doc: 'finished runs (steps, effects, decided approvals) are deleted after; 0 = never' },
  { env: 'LORE_APPROVAL_TTL_SECONDS', path: 'approvals.ttlSeconds', doc: 'pending approvals expire after' },
  { env: 'LORE_APPROVAL_AMOUNT_THRESHOLD', path: 'approvals.amountThreshold', doc: 'amounts above need approval' },
  { env: 'LORE_SESSION_TOKEN_BUDGET', path: 'budgets.sessionTokens', doc: 'tokens per session (0 = unlimited)' },
  { env: 'LORE_TENANT_TOKEN_BUDGET', path: 'budgets.tenantTokens', doc: 'tokens per tenant (0 = unlimited)' },
  { env: 'LORE_EVAL_SAMPLE_RATE', path: 'evaluation.sampleRate', doc: 'fraction of turns judged' },
  { env: 'LORE_EVAL_LOW_SCORE', path: 'evaluation.lowScoreThreshold', doc: 'scores below are flagged' },
  { env: 'LORE_EVAL_ENABLED', path: 'evaluation.enabled', doc: 'run the LLM judge after turns' },
  { env: 'LORE_GUARDRAIL_PROVIDER', path: 'guardrails.provider', doc: 'builtin | bedrock' },
  { env: 'LORE_BEDROCK_GUARDRAIL_ID', path: 'guardrails.bedrockGuardrailId', doc: 'Bedrock guardrail id (provider bedrock)' },
  { env: 'LORE_BEDROCK_GUARDRAIL_VERSION', path: 'guardrails.bedrockGuardrailVersion', doc: 'Bedrock guardrail version (default DRAFT)' },
  { env: 'LORE_PII_MODE', path: 'guardrails.piiMode', doc: 'redact | block: what PII in a user message gets' },
  { env: 'LORE_PII_PERSONAL_OPT_OUT', path: 'guardrails.personalOptOut', doc: 'users may keep PII in their own personal memory' },
  { env: 'LORE_MODEL_GUARD', path: 'guardrails.modelGuard', doc: 'add a model-based check (one extra model call per screened text)' },
  { env: 'LORE_TRACE_EXPORTER', path: 'telemetry.exporter', doc: 'none | console | otlp' },
  { env: 'LORE_OTLP_ENDPOINT', path: 'telemetry.otlpEndpoint', doc: 'OTLP/HTTP traces endpoint' },
  { env: 'LORE_RECENT_TRACES', path: 'telemetry.recentTraces', doc: 'keep recent traces for GET /runs/:id/trace (false + exporter none: no spans at all)' },
];

export class ConfigError extends LoreError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
    this.name = 'ConfigError';
  }
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts.at(-1)!] = value;
}

/**
 * Parse config from an env map (and the JSON file named by LORE_CONFIG, if any), plus overrides
 * (from CLI flags or tests), over `base` (the settings of a lore.config.* file). Precedence, lowest
 * first: base, the LORE_CONFIG file, env vars, overrides.
 */
export function loadConfig(env: Record<string, string | undefined> = {}, overrides: Record<string, unknown> = {}, base: Record<string, unknown> = {}): LoreConfig {
  // `base`: settings from a config file (lore.config.*), already validated on their own; everything else beats them.
  let raw: Record<string, unknown> = structuredClone(base);
  const file = env.LORE_CONFIG;
  if (file) {
    const path = resolve(file);
    if (!existsSync(path)) throw new ConfigError(`LORE_CONFIG: file not found: ${path}`);
    try {
      raw = mergeDeep(raw, JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
    } catch (e) {
      throw new ConfigError(`LORE_CONFIG: ${path} is not valid JSON (${(e as Error).message})`);
    }
  }
  // The standard OpenTelemetry switch, for deployments that set OTEL_* everywhere; the values Lore
  // has an exporter for only. LORE_TRACE_EXPORTER (below) wins when both are set.
  const otelExporter = env.OTEL_TRACES_EXPORTER;
  if (otelExporter === 'otlp' || otelExporter === 'console' || otelExporter === 'none') setPath(raw, 'telemetry.exporter', otelExporter);
  for (const { env: key, path } of ENV_VARS) {
    const v = env[key];
    if (v !== undefined && v !== '') setPath(raw, path, v);
  }
  for (const [path, v] of Object.entries(overrides)) if (v !== undefined) setPath(raw, path, v);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const known = ENV_VARS.find((e) => e.path === path);
    const problem = describeIssue(issue);
    // The key's meaning, unless the problem already states the expected form in the same words.
    const meaning = known && !problem.includes(known.doc) ? `, ${known.doc}` : '';
    const where = known ? `${known.env} (${path}${meaning})` : path || 'config';
    const got = path ? getPath(raw, path) : undefined;
    throw new ConfigError(`${where}: ${problem}${got !== undefined ? `, got ${JSON.stringify(got)}` : ''}`);
  }
  const cfg = parsed.data;
  if (cfg.guardrails.provider === 'bedrock' && !cfg.guardrails.bedrockGuardrailId) throw new ConfigError('LORE_GUARDRAIL_PROVIDER=bedrock needs LORE_BEDROCK_GUARDRAIL_ID (guardrails.bedrockGuardrailId)');
  checkStore(cfg.store);
  if (cfg.auth.jwksUrl && cfg.auth.hs256Secret) throw new ConfigError('LORE_AUTH_JWKS_URL and LORE_AUTH_HS256_SECRET: set one, not both');
  return cfg;
}

/** What the store settings need together (one message naming every missing variable). */
function checkStore(store: LoreConfig['store']): void {
  const awsOnly = (what: string) => new ConfigError(`${what} needs LORE_STORE=dynamodb (the configured store is ${store.kind})`);
  if (store.kind !== 'dynamodb') {
    if (store.knowledge !== 'dynamodb') throw awsOnly(`LORE_KNOWLEDGE=${store.knowledge}`);
    if (store.externalKb.knowledgeBaseId) throw awsOnly('LORE_EXTERNAL_KB_ID');
    return;
  }
  const x = store.externalKb;
  // Fail closed: an existing knowledge base carries no Lore tenant, so without a rule every tenant would read it.
  if (x.knowledgeBaseId && !x.tenant && !x.tenantKey) {
    throw new ConfigError('LORE_EXTERNAL_KB_ID needs LORE_EXTERNAL_KB_TENANT (the one tenant allowed to read it) or LORE_EXTERNAL_KB_TENANT_KEY (its metadata key holding the tenant id)');
  }
  if (store.knowledge !== 'bedrock-kb') return;
  const kb = store.bedrockKb;
  const missing = [
    ...(kb.knowledgeBaseId ? [] : ['LORE_BEDROCK_KB_ID']),
    ...(kb.dataSourceId ? [] : ['LORE_BEDROCK_KB_DATA_SOURCE_ID']),
    ...(kb.bucket ? [] : ['LORE_KNOWLEDGE_BUCKET']),
  ];
  if (missing.length) throw new ConfigError(`LORE_KNOWLEDGE=bedrock-kb needs ${missing.join(', ')} (store.bedrockKb)`);
}

/** `over` on top of `under`, plain objects merged key by key. */
function mergeDeep(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...under };
  for (const [k, v] of Object.entries(over)) {
    const u = out[k];
    out[k] = isPlain(u) && isPlain(v) ? mergeDeep(u, v) : v;
  }
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One zod issue as "expected …" in words a user of env vars understands. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' ? 'expected a number' : `expected ${issue.expected}`;
    case 'invalid_format':
      // Our regex checks carry the expected form as their message.
      return `expected ${issue.message}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}`;
    case 'too_small':
      return `expected at least ${String(issue.minimum)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}
