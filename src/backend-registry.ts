import type { Backend, BackendOptions } from './backend.js';
import type { LoreConfig } from './config.js';
import { LoreError } from './errors.js';
import { createSqliteBackend, defaultDbPath } from './stores/sqlite/backend.js';

/**
 * Backend factories by config.store.kind (LORE_STORE). SQLite is built in; DynamoDB is loaded by
 * dynamic import only when selected, so a SQLite deployment never loads the AWS SDK. A factory
 * module for another backend exports `createBackend(options)` (see BackendModule).
 */

export interface DynamoBackendOptions extends BackendOptions {
  tablePrefix: string;
  endpoint?: string;
  region: string;
  /** Queues: SQS in the region, or at this (local) endpoint; names `${queuePrefix}<name>`. */
  sqs?: { endpoint?: string; queuePrefix?: string };
  /** Knowledge on Bedrock Knowledge Bases (LORE_KNOWLEDGE=bedrock-kb), the DynamoDB store as its recent tier. */
  bedrockKb?: BedrockKbSettings;
  /** An existing knowledge base searched read-only beside Lore's knowledge (LORE_EXTERNAL_KB_ID). */
  externalKb?: ExternalKbSettings;
}

export interface ExternalKbSettings {
  knowledgeBaseId: string;
  tenant?: string;
  tenantKey?: string;
  timeoutMs: number;
  /** Local Bedrock Agent Runtime endpoint (development, tests). */
  endpoint?: string;
}

export interface BedrockKbSettings {
  knowledgeBaseId: string;
  dataSourceId: string;
  bucket: string;
  prefix: string;
  /** Local endpoints (development, tests). */
  endpoint?: string;
  s3Endpoint?: string;
  /** inline: this process starts and polls ingestion jobs; scheduled: a periodic sync does (LORE_KB_INGESTION). */
  ingestion: 'inline' | 'scheduled';
}

/** The Bedrock KB settings when LORE_KNOWLEDGE=bedrock-kb (loadConfig has checked the required ones are there). */
export function bedrockKbSettings(config: LoreConfig): BedrockKbSettings | undefined {
  const kb = config.store.bedrockKb;
  if (config.store.knowledge !== 'bedrock-kb') return undefined;
  if (!kb.knowledgeBaseId || !kb.dataSourceId || !kb.bucket) throw new LoreError('CONFIG_INVALID', 'LORE_KNOWLEDGE=bedrock-kb needs LORE_BEDROCK_KB_ID, LORE_BEDROCK_KB_DATA_SOURCE_ID and LORE_KNOWLEDGE_BUCKET');
  return {
    knowledgeBaseId: kb.knowledgeBaseId, dataSourceId: kb.dataSourceId, bucket: kb.bucket, prefix: kb.prefix, ingestion: kb.ingestion,
    ...(kb.endpoint ? { endpoint: kb.endpoint } : {}),
    ...(kb.s3Endpoint ? { s3Endpoint: kb.s3Endpoint } : {}),
  };
}

/** The read-only external knowledge base when LORE_EXTERNAL_KB_ID is set (loadConfig has checked its tenant rule). */
export function externalKbSettings(config: LoreConfig): ExternalKbSettings | undefined {
  const x = config.store.externalKb;
  if (!x.knowledgeBaseId) return undefined;
  if (!x.tenant && !x.tenantKey) throw new LoreError('CONFIG_INVALID', 'LORE_EXTERNAL_KB_ID needs LORE_EXTERNAL_KB_TENANT or LORE_EXTERNAL_KB_TENANT_KEY');
  const endpoint = config.store.bedrockKb.endpoint;
  return { knowledgeBaseId: x.knowledgeBaseId, timeoutMs: x.timeoutMs, ...(x.tenant ? { tenant: x.tenant } : {}), ...(x.tenantKey ? { tenantKey: x.tenantKey } : {}), ...(endpoint ? { endpoint } : {}) };
}

/** What a lazily loaded backend module exports. */
export interface BackendModule<O extends BackendOptions = BackendOptions> {
  createBackend(options: O): Backend | Promise<Backend>;
}

/** Per-process choices that are not settings (tests, `lore demo`'s throwaway database). */
export interface OpenBackendOptions extends Omit<BackendOptions, 'sessionTtlSeconds' | 'chunkTokens' | 'chunkOverlap'> {
  /** SQLite file; default <dataDir>/lore.db. */
  sqlitePath?: string;
}

// A variable, so the type checker does not require the module before it exists.
const DYNAMODB_MODULE = './stores/dynamodb/backend.js';

function baseOptions(config: LoreConfig, o: OpenBackendOptions): BackendOptions {
  return {
    sessionTtlSeconds: config.memory.sessionTtlSeconds,
    chunkTokens: config.memory.chunkTokens,
    chunkOverlap: config.memory.chunkOverlap,
    ...(o.embedder ? { embedder: o.embedder } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  };
}

/** The SQLite bundle, synchronously (createRuntime's default); CONFIG error for any other store. */
export function openBackendSync(config: LoreConfig, o: OpenBackendOptions = {}): Backend {
  if (config.store.kind !== 'sqlite') {
    throw new LoreError('CONFIG_INVALID', `LORE_STORE=${config.store.kind} is opened asynchronously: use openRuntime() / assemble() instead of createRuntime()`);
  }
  return createSqliteBackend({ ...baseOptions(config, o), path: o.sqlitePath ?? defaultDbPath(config.dataDir) });
}

/** The configured backend (config.store.kind), loading its adapter module on demand. */
export async function openBackend(config: LoreConfig, o: OpenBackendOptions = {}): Promise<Backend> {
  if (config.store.kind === 'sqlite') return openBackendSync(config, o);
  const d = config.store.dynamodb;
  let mod: BackendModule<DynamoBackendOptions>;
  try {
    mod = (await import(DYNAMODB_MODULE)) as BackendModule<DynamoBackendOptions>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('dynamodb')) {
      throw new LoreError('CONFIG_INVALID', 'LORE_STORE=dynamodb: this build has no DynamoDB backend (src/stores/dynamodb/backend.ts); use LORE_STORE=sqlite', { cause: e });
    }
    throw e;
  }
  if (typeof mod.createBackend !== 'function') throw new LoreError('CONFIG_INVALID', 'LORE_STORE=dynamodb: the DynamoDB backend module exports no createBackend(options)');
  const { sqs } = config.store;
  const bedrockKb = bedrockKbSettings(config);
  const externalKb = externalKbSettings(config);
  return mod.createBackend({
    ...baseOptions(config, o), tablePrefix: d.tablePrefix, region: d.region,
    ...(d.endpoint ? { endpoint: d.endpoint } : {}),
    sqs: { ...(sqs.endpoint ? { endpoint: sqs.endpoint } : {}), ...(sqs.queuePrefix ? { queuePrefix: sqs.queuePrefix } : {}) },
    ...(bedrockKb ? { bedrockKb } : {}),
    ...(externalKb ? { externalKb } : {}),
  });
}

/**
 * Bring the configured store's schema up to date once, before several processes start (the
 * cluster primary): opening a backend migrates it; closing releases it.
 */
export async function migrateStore(config: LoreConfig): Promise<void> {
  const b = await openBackend(config);
  await b.close();
}
