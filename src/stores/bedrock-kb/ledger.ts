import type { KnowledgeDb } from '../dynamodb/knowledge-db.js';
import { pk } from '../dynamodb/knowledge-items.js';
import type { IngestionEntry } from './ingestion.js';

/**
 * What the Bedrock knowledge base holds, per tenant, in the knowledge table (partition
 * `<tenant>#KBI`, one item per document): the content hash written to S3 and whether an
 * ingestion job that started after that write has completed. Search trusts the KB for a document
 * only when its entry is `indexed` at the document's current hash; everything else is served by
 * the DynamoDB recent tier. Marking entries indexed bumps the tenant's version item, so every
 * process's search sees the hand-over on its next call.
 */
export interface LedgerEntry {
  hash: string;
  state: 'queued' | 'indexed';
  queuedAt: number;
}

const kbi = (tenantId: string) => `${pk.meta(tenantId).slice(0, -'#META'.length)}#KBI`;

export class KbLedger {
  private readonly cache = new Map<string, { version: number; entries: Map<string, LedgerEntry> }>();

  constructor(private readonly db: KnowledgeDb) {}

  async get(tenantId: string, docId: string): Promise<LedgerEntry | undefined> {
    return this.db.get<LedgerEntry>(kbi(tenantId), docId);
  }

  /** The tenant's entries at `version` (the version item the search index was loaded at). */
  async entries(tenantId: string, version: number): Promise<Map<string, LedgerEntry>> {
    const c = this.cache.get(tenantId);
    if (c && c.version === version) return c.entries;
    const items = await this.db.query<LedgerEntry & { sk: string }>(kbi(tenantId));
    const entries = new Map(items.map((i) => [i.sk, { hash: i.hash, state: i.state, queuedAt: i.queuedAt }]));
    this.cache.set(tenantId, { version, entries });
    return entries;
  }

  /** The tenant's entries still waiting for a completed ingestion job. */
  async queued(tenantId: string): Promise<IngestionEntry[]> {
    const items = await this.db.query<LedgerEntry & { sk: string }>(kbi(tenantId));
    return items.filter((i) => i.state === 'queued').map((i) => ({ tenantId, docId: i.sk, contentHash: i.hash, queuedAt: i.queuedAt }));
  }

  async queue(e: IngestionEntry): Promise<void> {
    await this.db.put({ pk: kbi(e.tenantId), sk: e.docId, hash: e.contentHash, state: 'queued', queuedAt: e.queuedAt });
  }

  async remove(tenantId: string, docId: string): Promise<void> {
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    await this.db.client.send(new DeleteCommand({ TableName: this.db.table, Key: { pk: kbi(tenantId), sk: docId } }));
    await this.bump(tenantId);
  }

  /** Entries still at the hash and queue time the job covered become indexed; newer writes stay queued. */
  async markIndexed(entries: IngestionEntry[]): Promise<number> {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const tenants = new Set<string>();
    let marked = 0;
    for (const e of entries) {
      try {
        await this.db.client.send(
          new UpdateCommand({
            TableName: this.db.table, Key: { pk: kbi(e.tenantId), sk: e.docId },
            UpdateExpression: 'SET #s = :indexed', ConditionExpression: '#h = :h AND queuedAt = :q',
            ExpressionAttributeNames: { '#s': 'state', '#h': 'hash' },
            ExpressionAttributeValues: { ':indexed': 'indexed', ':h': e.contentHash, ':q': e.queuedAt },
          }),
        );
        tenants.add(e.tenantId);
        marked++;
      } catch (err) {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      }
    }
    for (const t of tenants) await this.bump(t);
    return marked;
  }

  private async bump(tenantId: string): Promise<void> {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await this.db.client.send(
      new UpdateCommand({ TableName: this.db.table, Key: { pk: pk.meta(tenantId), sk: 'version' }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': 1 } }),
    );
  }
}
