import type { HistoryAction } from '../../memory/knowledge-store.js';
import type { KnowledgeDb, TxItem } from './knowledge-db.js';
import { type DocItem, historySk, pk } from './knowledge-items.js';

/**
 * One state change of the knowledge store as a single TransactWriteItems: document writes
 * conditional on the rev they were read at, their history events, and (when search-visible state
 * changed) the tenant's version bump, so the trail and the search cache can never disagree with
 * the state.
 */
export class KnowledgeTx {
  readonly items: TxItem[] = [];
  private bump = false;
  /** Documents as written by this transaction (callers return them without re-reading). */
  readonly written = new Map<string, DocItem>();

  private readonly TableName: string;

  constructor(
    private readonly db: KnowledgeDb,
    private readonly tenantId: string,
    readonly now: number,
  ) {
    this.TableName = db.table;
  }

  /** Insert a new document (fails if the id exists). */
  create(d: DocItem): DocItem {
    this.items.push({ Put: { TableName: this.TableName, Item: d, ConditionExpression: 'attribute_not_exists(pk)' } });
    this.written.set(d.id, d);
    this.bump = true;
    return d;
  }

  /** Write a document read at `d.rev`; conflicts if anyone changed it since. */
  update(d: DocItem, set: Partial<DocItem>, opts: { touch?: boolean; searchable?: boolean } = {}): DocItem {
    const base = this.written.get(d.id) ?? d;
    const next: DocItem = { ...base, ...set, rev: d.rev + 1, ...(opts.touch === false ? {} : { updatedAt: this.now }) };
    for (const [k, v] of Object.entries(set)) if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
    const i = this.items.findIndex((it) => (it.Put?.Item as DocItem | undefined)?.id === d.id && it.Put?.Item?.pk === d.pk);
    const put: TxItem = { Put: { TableName: this.TableName, Item: next, ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: { ':rev': d.rev } } };
    if (i >= 0) this.items[i] = put;
    else this.items.push(put);
    this.written.set(d.id, next);
    if (opts.searchable !== false) this.bump = true;
    return next;
  }

  put(item: Record<string, unknown>, opts: { ifAbsent?: boolean; searchable?: boolean } = {}): void {
    this.items.push({ Put: { TableName: this.TableName, Item: item, ...(opts.ifAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}) } });
    if (opts.searchable) this.bump = true;
  }

  log(docId: string, action: HistoryAction, actor: string, detail?: object, at = this.now): void {
    this.items.push({
      Put: { TableName: this.TableName, Item: { pk: pk.history(this.tenantId, docId), sk: historySk(at), docId, action, actor, at, ...(detail ? { detail } : {}) } },
    });
  }

  async commit(): Promise<void> {
    if (this.bump) {
      this.items.push({ Update: { TableName: this.TableName, Key: { pk: pk.meta(this.tenantId), sk: 'version' }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': 1 } } });
    }
    await this.db.transact(this.items);
  }
}
