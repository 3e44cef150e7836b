import type { LoreConfig } from '../config.js';
import { LoreError } from '../errors.js';
import type { KbSyncReport } from '../stores/bedrock-kb/sync.js';

/**
 * The scheduled ingestion sync of a Lambda deployment (LORE_KB_INGESTION=scheduled): the knowledge
 * table and the Bedrock Agent client, nothing else of the runtime (no model, no tools), so the
 * function that runs every few minutes starts small and only needs the ledger and the two
 * ingestion-job permissions.
 */
export interface KbSync {
  run(): Promise<KbSyncReport>;
  close(): void;
}

export async function openKbSync(
  config: LoreConfig,
  o: { credentials?: { accessKeyId: string; secretAccessKey: string }; now?: () => number; clockSkewMs?: number } = {},
): Promise<KbSync> {
  // The config directly, not the backend registry: that module brings the SQLite backend into this bundle.
  const kb = config.store.bedrockKb;
  if (config.store.kind !== 'dynamodb' || config.store.knowledge !== 'bedrock-kb' || !kb.knowledgeBaseId || !kb.dataSourceId) throw new LoreError('CONFIG_INVALID', 'the ingestion sync needs LORE_STORE=dynamodb and LORE_KNOWLEDGE=bedrock-kb');
  const [{ connectDynamo }, { KnowledgeDb }, { knowledgeTableName }, { createKbClients }, { ingestionApi }, { syncIngestion }] = await Promise.all([
    import('../stores/dynamodb/client.js'), import('../stores/dynamodb/knowledge-db.js'), import('../stores/dynamodb/knowledge-tables.js'),
    import('../stores/bedrock-kb/clients.js'), import('../stores/bedrock-kb/ingestion-api.js'), import('../stores/bedrock-kb/sync.js'),
  ]);
  const d = config.store.dynamodb;
  // The backend's naming (src/stores/dynamodb/backend.ts createBackend): `lore` → `lore-knowledge`.
  const prefix = /[-_.]$/.test(d.tablePrefix) ? d.tablePrefix : `${d.tablePrefix}-`;
  const dynamo = connectDynamo({ region: d.region, tablePrefix: prefix, ...(d.endpoint ? { endpoint: d.endpoint } : {}), ...(o.credentials ? { credentials: o.credentials } : {}) });
  const clients = await createKbClients({
    region: d.region, ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(kb.endpoint ? { endpoints: { bedrockAgent: kb.endpoint, bedrockAgentRuntime: kb.endpoint } } : {}),
  });
  const db = new KnowledgeDb(dynamo.doc, knowledgeTableName(prefix));
  const target = { knowledgeBaseId: kb.knowledgeBaseId, dataSourceId: kb.dataSourceId };
  return {
    run: () => syncIngestion({ db, api: ingestionApi(clients, target), ...target, ...(o.now ? { now: o.now } : {}), ...(o.clockSkewMs !== undefined ? { clockSkewMs: o.clockSkewMs } : {}) }),
    close() {
      clients.runtime.destroy();
      clients.agent.destroy();
      clients.s3.destroy();
      dynamo.raw.destroy();
    },
  };
}
