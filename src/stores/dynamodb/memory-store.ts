import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LoreError } from '../../errors.js';
import type { MemoryRef, MemoryStore, PutSummaryParams, SessionSummaryRecord, UserFact } from '../../memory/memory-store.js';
import { queryTerms } from '../../memory/query-terms.js';
import { conditionFailed, deleteKeys, queryAll, storeError, type Dynamo } from './client.js';
import { monotonic, ttlSeconds } from './tables.js';

const SK = '-';
const summaryPk = (tenantId: string, sessionId: string) => `S#${tenantId}#${sessionId}`;
/** The key of a session's summary item (idle-session detection reads its coveredThrough). */
export const summaryKey = (tenantId: string, sessionId: string) => ({ pk: summaryPk(tenantId, sessionId), sk: SK });
const factPk = (id: string) => `F#${id}`;
const userKey = (tenantId: string, userId: string) => `${tenantId}#${userId}`;

type SummaryItem = SessionSummaryRecord & { pk: string; sk: string; ttl: number; gUser: string; gSort: string };
type FactItem = UserFact & { pk: string; sk: string; ttl: number; gUser: string; gSort: string; seq: string };

const ttlMs = (s: number) => {
  if (!Number.isFinite(s) || s <= 0) throw new LoreError('VALIDATION_FAILED', 'ttlSeconds must be positive');
  return s * 1000;
};

function summaryOf(i: SummaryItem): SessionSummaryRecord {
  const { pk: _p, sk: _s, ttl: _t, gUser: _u, gSort: _g, ...rest } = i;
  return rest;
}

function factOf(i: FactItem): UserFact {
  const { pk: _p, sk: _s, ttl: _t, gUser: _u, gSort: _g, seq: _q, ...rest } = i;
  return rest;
}

/**
 * MemoryStore on DynamoDB: summaries (pk S#tenant#session), facts (pk F#id) and run memory
 * (pk M#tenant#run) in one table, all on the `byUser` GSI so a user's memory is listed and
 * forgotten with one query. The summary's compare-and-set is a conditional write on
 * coveredThrough. Summary search ranks by shared words in memory (a user has few summaries);
 * there is no BM25 here, unlike SQLite's FTS5.
 */
export class DynamoMemoryStore implements MemoryStore {
  constructor(
    private readonly d: Dynamo,
    private readonly clock: () => number = Date.now,
  ) {}

  private get table() {
    return this.d.names.memory;
  }

  async getSummary(p: { tenantId: string; sessionId: string; now?: number }): Promise<SessionSummaryRecord | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: summaryPk(p.tenantId, p.sessionId), sk: SK }, ConsistentRead: true }));
    const i = r.Item as SummaryItem | undefined;
    return i && i.expiresAt > (p.now ?? this.clock()) ? summaryOf(i) : null;
  }

  async putSummary(p: PutSummaryParams): Promise<boolean> {
    const now = p.now ?? this.clock();
    const expiresAt = now + ttlMs(p.ttlSeconds);
    const pk = summaryPk(p.tenantId, p.sessionId);
    const gUser = userKey(p.tenantId, p.userId);
    try {
      if (p.expected === null) {
        const item: SummaryItem = { pk, sk: SK, tenantId: p.tenantId, sessionId: p.sessionId, userId: p.userId, text: p.text, coveredThrough: p.coveredThrough, coveredTurns: p.coveredTurns, createdAt: now, updatedAt: now, expiresAt, ttl: ttlSeconds(expiresAt), gUser, gSort: `S#${p.sessionId}` };
        await this.d.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      } else {
        // A session id reused by another user after expiry starts a summary of its own (new owner).
        await this.d.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk, sk: SK },
            UpdateExpression: 'SET userId = :u, #text = :text, coveredThrough = :ct, coveredTurns = :n, updatedAt = :now, expiresAt = :exp, #ttl = :ttl, gUser = :gu',
            ConditionExpression: 'coveredThrough = :expected AND coveredThrough < :ct',
            ExpressionAttributeNames: { '#text': 'text', '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':u': p.userId, ':text': p.text, ':ct': p.coveredThrough, ':n': p.coveredTurns, ':now': now, ':exp': expiresAt, ':ttl': ttlSeconds(expiresAt), ':gu': gUser, ':expected': p.expected },
          }),
        );
      }
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw storeError('putSummary', err);
    }
  }

  private async userItems<T>(tenantId: string, userId: string, prefix: string): Promise<T[]> {
    return queryAll<T>(this.d, {
      TableName: this.table,
      IndexName: 'byUser',
      KeyConditionExpression: prefix ? 'gUser = :u AND begins_with(gSort, :p)' : 'gUser = :u',
      ExpressionAttributeValues: { ':u': userKey(tenantId, userId), ...(prefix ? { ':p': prefix } : {}) },
    });
  }

  async searchSummaries(p: { tenantId: string; userId: string; query: string; limit: number; excludeSessionId?: string; now?: number }): Promise<SessionSummaryRecord[]> {
    const terms = queryTerms(p.query);
    if (!terms.length || p.limit <= 0) return [];
    const live = await this.listSummaries(p);
    const scored = live
      .filter((s) => s.sessionId !== p.excludeSessionId)
      .map((s) => {
        const words = new Set(s.text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
        return { s, score: terms.filter((t) => words.has(t)).length };
      })
      .filter((x) => x.score > 0);
    return scored.sort((a, b) => b.score - a.score || b.s.updatedAt - a.s.updatedAt).slice(0, p.limit).map((x) => x.s);
  }

  async listSummaries(p: { tenantId: string; userId: string; now?: number }): Promise<SessionSummaryRecord[]> {
    const now = p.now ?? this.clock();
    const items = await this.userItems<SummaryItem>(p.tenantId, p.userId, 'S#');
    return items
      .filter((i) => i.expiresAt > now && i.userId === p.userId)
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.sessionId < b.sessionId ? -1 : 1))
      .map(summaryOf);
  }

  async rewriteSummary(p: { tenantId: string; userId: string; sessionId: string; text: string; now?: number }): Promise<boolean> {
    const now = p.now ?? this.clock();
    try {
      await this.d.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: summaryPk(p.tenantId, p.sessionId), sk: SK },
          UpdateExpression: 'SET #text = :text, updatedAt = :now',
          ConditionExpression: 'tenantId = :t AND userId = :u AND expiresAt > :now',
          ExpressionAttributeNames: { '#text': 'text' },
          ExpressionAttributeValues: { ':text': p.text, ':now': now, ':t': p.tenantId, ':u': p.userId },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw storeError('rewriteSummary', err);
    }
  }

  async deleteSummary(p: { tenantId: string; userId: string; sessionId: string }): Promise<boolean> {
    return this.deleteIf(summaryPk(p.tenantId, p.sessionId), p.tenantId, p.userId);
  }

  private async deleteIf(pk: string, tenantId: string, userId: string): Promise<boolean> {
    try {
      await this.d.doc.send(
        new DeleteCommand({ TableName: this.table, Key: { pk, sk: SK }, ConditionExpression: 'tenantId = :t AND userId = :u', ExpressionAttributeValues: { ':t': tenantId, ':u': userId } }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw storeError('delete', err);
    }
  }

  async addFact(p: { id: string; tenantId: string; userId: string; text: string; sessionId?: string; runId?: string; ttlSeconds: number; now?: number }): Promise<UserFact> {
    const now = p.now ?? this.clock();
    const expiresAt = now + ttlMs(p.ttlSeconds);
    const item: FactItem = {
      pk: factPk(p.id),
      sk: SK,
      id: p.id,
      tenantId: p.tenantId,
      userId: p.userId,
      text: p.text,
      ...(p.sessionId ? { sessionId: p.sessionId } : {}),
      ...(p.runId ? { runId: p.runId } : {}),
      createdAt: now,
      updatedAt: now,
      expiresAt,
      ttl: ttlSeconds(expiresAt),
      gUser: userKey(p.tenantId, p.userId),
      gSort: `F#${p.id}`,
      seq: monotonic(),
    };
    try {
      await this.d.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return factOf(item);
    } catch (err) {
      if (!conditionFailed(err)) throw storeError('addFact', err);
    }
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: factPk(p.id), sk: SK }, ConsistentRead: true }));
    const existing = r.Item as FactItem;
    if (existing.tenantId !== p.tenantId || existing.userId !== p.userId) throw new LoreError('CONFLICT', 'a memory item with this id belongs to someone else');
    return factOf(existing);
  }

  async listFacts(p: { tenantId: string; userId: string; limit?: number; now?: number }): Promise<UserFact[]> {
    const now = p.now ?? this.clock();
    const items = await this.userItems<FactItem>(p.tenantId, p.userId, 'F#');
    return items
      .filter((i) => i.expiresAt > now)
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.seq < b.seq ? 1 : -1))
      .slice(0, p.limit ?? 1000)
      .map(factOf);
  }

  async getFact(p: { tenantId: string; userId: string; id: string; now?: number }): Promise<UserFact | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: factPk(p.id), sk: SK }, ConsistentRead: true }));
    const i = r.Item as FactItem | undefined;
    return i && i.tenantId === p.tenantId && i.userId === p.userId && i.expiresAt > (p.now ?? this.clock()) ? factOf(i) : null;
  }

  async updateFact(p: { tenantId: string; userId: string; id: string; text: string; ttlSeconds: number; now?: number }): Promise<UserFact | null> {
    const now = p.now ?? this.clock();
    const expiresAt = now + ttlMs(p.ttlSeconds);
    try {
      const r = await this.d.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: factPk(p.id), sk: SK },
          UpdateExpression: 'SET #text = :text, updatedAt = :now, expiresAt = :exp, #ttl = :ttl',
          ConditionExpression: 'tenantId = :t AND userId = :u AND expiresAt > :now',
          ExpressionAttributeNames: { '#text': 'text', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':text': p.text, ':now': now, ':exp': expiresAt, ':ttl': ttlSeconds(expiresAt), ':t': p.tenantId, ':u': p.userId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return factOf(r.Attributes as FactItem);
    } catch (err) {
      if (conditionFailed(err)) return null;
      throw storeError('updateFact', err);
    }
  }

  async deleteFact(p: { tenantId: string; userId: string; id: string }): Promise<boolean> {
    return this.deleteIf(factPk(p.id), p.tenantId, p.userId);
  }

  async forgetUser(p: { tenantId: string; userId: string }): Promise<{ facts: number; summaries: number }> {
    const items = await this.userItems<{ pk: string; sk: string; gSort: string; userId: string }>(p.tenantId, p.userId, '');
    await deleteKeys(this.d, this.table, items);
    return { facts: items.filter((i) => i.gSort.startsWith('F#')).length, summaries: items.filter((i) => i.gSort.startsWith('S#')).length };
  }

  async purgeExpired(p: { now?: number } = {}): Promise<{ facts: number; summaries: number }> {
    const now = p.now ?? this.clock();
    const keys: Array<{ pk: string; sk: string }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.d.doc.send(
        new ScanCommand({ TableName: this.table, FilterExpression: 'expiresAt <= :now', ExpressionAttributeValues: { ':now': now }, ProjectionExpression: 'pk, sk', ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      keys.push(...((r.Items ?? []) as Array<{ pk: string; sk: string }>));
      start = r.LastEvaluatedKey;
    } while (start);
    await deleteKeys(this.d, this.table, keys);
    return { facts: keys.filter((k) => k.pk.startsWith('F#')).length, summaries: keys.filter((k) => k.pk.startsWith('S#')).length };
  }

  async recordRunMemory(p: { tenantId: string; runId: string; userId: string; refs: MemoryRef[] }): Promise<void> {
    const unique = [...new Map(p.refs.map((r) => [`${r.kind}#${r.id}`, r])).values()];
    await Promise.all(
      unique.map((r) =>
        this.d.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { pk: `M#${p.tenantId}#${p.runId}`, sk: `${r.kind}#${r.id}`, kind: r.kind, itemId: r.id, tenantId: p.tenantId, userId: p.userId, gUser: userKey(p.tenantId, p.userId), gSort: `M#${p.runId}#${r.kind}#${r.id}` },
          }),
        ),
      ),
    );
  }

  async runMemory(p: { tenantId: string; runId: string }): Promise<MemoryRef[]> {
    const items = await queryAll<{ kind: MemoryRef['kind']; itemId: string }>(this.d, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `M#${p.tenantId}#${p.runId}` },
      ConsistentRead: true,
    });
    return items.map((i) => ({ kind: i.kind, id: i.itemId }));
  }
}
