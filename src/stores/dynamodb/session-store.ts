import { GetCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LoreError } from '../../errors.js';
import type { NewTurn, SessionStore, SessionSummary, Turn } from '../../memory/session-store.js';
import { newId } from '../../util/ids.js';
import { cancellationReasons, conditionFailed, deleteKeys, queryAll, storeError, type Dynamo } from './client.js';
import { fromTurnItem, META_SK, turnItem, validateTurn, type MetaItem, type TurnItem } from './session-items.js';
import { monotonic, padTime, ttlSeconds } from './tables.js';

export interface DynamoSessionStoreOptions {
  /** TTL for turns that do not carry their own `ttlSeconds`. */
  ttlSeconds: number;
  now?: () => number;
}

/** How often an append re-reads the session and retries when a concurrent writer changed it. */
const APPEND_ATTEMPTS = 8;

/**
 * Episodic memory on DynamoDB. A session is one partition (pk tenant#session): a META item (owner,
 * newest expiry, the `byUser` GSI keys) and its turns. A run's turn is keyed by (run, role), so
 * appending it is a conditional put that a re-run cannot repeat; the `byTime` GSI orders turns.
 * Turns carry a `ttl` attribute: DynamoDB deletes them some time after expiry, reads filter on
 * expiresAt meanwhile, and purgeExpired deletes them now (a scan: a maintenance job, not a turn).
 */
/** Sessions summarised in parallel by listSessions. */
const SUMMARY_BATCH = 10;

export class DynamoSessionStore implements SessionStore {
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly d: Dynamo,
    options: DynamoSessionStoreOptions,
  ) {
    if (!(options.ttlSeconds > 0)) throw new LoreError('VALIDATION_FAILED', 'ttlSeconds must be > 0');
    this.ttlMs = options.ttlSeconds * 1000;
    this.now = options.now ?? Date.now;
  }

  private get table() {
    return this.d.names.sessions;
  }

  /** All turns and their sessions' META in one transaction; duplicates (run, role) are skipped. */
  async appendTurns({ turns }: { turns: NewTurn[] }): Promise<Turn[]> {
    const now = this.now();
    let items = dedupe(turns.map((t) => this.toItem(t, now)));
    for (let attempt = 0; attempt < APPEND_ATTEMPTS + turns.length && items.length; attempt++) {
      const metas = await this.metasFor(items);
      const next = nextMetas(items, metas);
      const transact = [
        ...items.map((Item) => ({ Put: { TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
        ...[...next.values()].map(({ before, after }) => ({
          Put: {
            TableName: this.table,
            Item: after,
            // Optimistic concurrency on the META item: written only over the version we read.
            ConditionExpression: before ? 'version = :v' : 'attribute_not_exists(pk)',
            ...(before ? { ExpressionAttributeValues: { ':v': before.version } } : {}),
          },
        })),
      ];
      try {
        await this.d.doc.send(new TransactWriteCommand({ TransactItems: transact }));
        return items.map(fromTurnItem);
      } catch (err) {
        const reasons = cancellationReasons(err);
        if (!reasons) throw storeError('appendTurns', err);
        // A turn whose key exists is a duplicate: drop it. A META that moved: re-read and retry.
        items = items.filter((_, i) => reasons[i] !== 'ConditionalCheckFailed');
      }
    }
    if (!items.length) return [];
    throw new LoreError('CONFLICT', 'appendTurns: the session kept changing under concurrent writers');
  }

  private async metasFor(items: TurnItem[]): Promise<Map<string, MetaItem | undefined>> {
    const pks = [...new Set(items.map((i) => i.pk))];
    const got = await Promise.all(pks.map((pk) => this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk: META_SK }, ConsistentRead: true }))));
    return new Map(pks.map((pk, i) => [pk, got[i]!.Item as MetaItem | undefined]));
  }

  async setTurnText(p: { tenantId: string; runId: string; role: 'user' | 'assistant'; text: string }): Promise<boolean> {
    const content = JSON.stringify([{ text: p.text }]);
    const found = await queryAll<TurnItem>(this.d, {
      TableName: this.table,
      IndexName: 'byRun',
      KeyConditionExpression: 'gRun = :r',
      FilterExpression: '#role = :role',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':r': `${p.tenantId}#${p.runId}`, ':role': p.role },
    });
    let changed = false;
    for (const t of found) {
      try {
        await this.d.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: t.pk, sk: t.sk },
            UpdateExpression: 'SET content = :c',
            ConditionExpression: 'attribute_exists(pk) AND content <> :c',
            ExpressionAttributeValues: { ':c': content },
          }),
        );
        changed = true;
      } catch (err) {
        if (!conditionFailed(err)) throw storeError('setTurnText', err);
      }
    }
    return changed;
  }

  async recentTurns(p: { tenantId: string; sessionId: string; limit: number; since?: number; now?: number }): Promise<Turn[]> {
    if (p.limit <= 0) return [];
    const values = { ':pk': `${p.tenantId}#${p.sessionId}`, ':now': p.now ?? this.now() };
    const items = await queryAll<TurnItem>(
      this.d,
      {
        TableName: this.table,
        IndexName: 'byTime',
        // `since`: gTime starts with the padded whole millisecond, so the key condition bounds the
        // range to that millisecond on; the filter makes "strictly after" exact.
        ...(p.since === undefined
          ? { KeyConditionExpression: 'pk = :pk', FilterExpression: 'expiresAt > :now', ExpressionAttributeValues: values }
          : {
              KeyConditionExpression: 'pk = :pk AND gTime >= :from',
              FilterExpression: 'expiresAt > :now AND createdAt > :since',
              ExpressionAttributeValues: { ...values, ':from': padTime(p.since), ':since': p.since },
            }),
        ScanIndexForward: false,
      },
      Math.floor(p.limit),
    );
    return items.reverse().map(fromTurnItem);
  }

  private async liveTurns(tenantId: string, sessionId: string, now: number): Promise<Array<Pick<TurnItem, 'createdAt'>>> {
    return queryAll(this.d, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': `${tenantId}#${sessionId}`, ':t': 'T', ':now': now },
      ProjectionExpression: 'createdAt',
      ConsistentRead: true,
    });
  }

  private async summarise(meta: MetaItem, now: number): Promise<SessionSummary | null> {
    const live = await this.liveTurns(meta.tenantId, meta.sessionId, now);
    if (!live.length) return null;
    const times = live.map((t) => t.createdAt);
    return { tenantId: meta.tenantId, sessionId: meta.sessionId, userId: meta.userId, turnCount: live.length, firstAt: Math.min(...times), lastAt: Math.max(...times) };
  }

  private async meta(tenantId: string, sessionId: string): Promise<MetaItem | undefined> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `${tenantId}#${sessionId}`, sk: META_SK }, ConsistentRead: true }));
    return r.Item as MetaItem | undefined;
  }

  async getSession(p: { tenantId: string; sessionId: string; now?: number }): Promise<SessionSummary | null> {
    const meta = await this.meta(p.tenantId, p.sessionId);
    return meta ? this.summarise(meta, p.now ?? this.now()) : null;
  }

  async sessionOwner(p: { tenantId: string; sessionId: string; now?: number }): Promise<string | null> {
    const meta = await this.meta(p.tenantId, p.sessionId);
    return meta && meta.expiresAt > (p.now ?? this.now()) ? meta.userId : null;
  }

  async listSessions(p: { tenantId: string; userId: string; limit?: number; now?: number }): Promise<SessionSummary[]> {
    const limit = Math.max(0, Math.min(Math.floor(p.limit ?? 100), 1000));
    const now = p.now ?? this.now();
    if (limit === 0) return [];
    const metas = await queryAll<MetaItem>(this.d, {
      TableName: this.table,
      IndexName: 'byUser',
      KeyConditionExpression: 'gUser = :u',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':u': `${p.tenantId}#${p.userId}`, ':now': now },
      ScanIndexForward: false,
    });
    // Summarising reads a session's live turns, so only as many sessions as can still make the top
    // `limit` are read: newest first by the meta's lastAt, which bounds the live lastAt from above
    // (an expired newest turn only lowers it). Once `limit` are in hand, a meta older than the
    // k-th best cannot enter. Was: every session of the user read on every call.
    const order = (a: { lastAt: number; sessionId: string }, b: { lastAt: number; sessionId: string }) => b.lastAt - a.lastAt || (a.sessionId < b.sessionId ? -1 : 1);
    metas.sort(order);
    const found: SessionSummary[] = [];
    for (let i = 0; i < metas.length; i += SUMMARY_BATCH) {
      if (found.length >= limit && metas[i]!.lastAt < found[limit - 1]!.lastAt) break;
      const batch = await Promise.all(metas.slice(i, i + SUMMARY_BATCH).map((m) => this.summarise(m, now)));
      found.push(...batch.filter((s): s is SessionSummary => s !== null));
      found.sort(order);
    }
    return found.slice(0, limit);
  }

  async deleteSession(p: { tenantId: string; sessionId: string }): Promise<number> {
    const keys = await queryAll<{ pk: string; sk: string }>(this.d, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `${p.tenantId}#${p.sessionId}` },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    await deleteKeys(this.d, this.table, keys);
    return keys.filter((k) => k.sk !== META_SK).length;
  }

  async purgeExpired(p: { now?: number } = {}): Promise<number> {
    const now = p.now ?? this.now();
    const keys: Array<{ pk: string; sk: string }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.d.doc.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'expiresAt <= :now',
          ExpressionAttributeValues: { ':now': now },
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      keys.push(...((r.Items ?? []) as Array<{ pk: string; sk: string }>));
      start = r.LastEvaluatedKey;
    } while (start);
    await deleteKeys(this.d, this.table, keys);
    return keys.filter((k) => k.sk !== META_SK).length;
  }

  private toItem(t: NewTurn, now: number): TurnItem {
    validateTurn(t);
    const createdAt = t.createdAt ?? now;
    const expiresAt = createdAt + (t.ttlSeconds !== undefined ? t.ttlSeconds * 1000 : this.ttlMs);
    const id = t.id ?? newId('turn', createdAt);
    return turnItem({ ...t, id, createdAt, expiresAt }, `${padTime(createdAt)}#${monotonic()}`, ttlSeconds(expiresAt));
  }
}

/** Keep the first turn of each (run, role) and of each id within one batch. */
function dedupe(items: TurnItem[]): TurnItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = `${i.pk}\u0000${i.sk}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Each touched session's META after these turns, turn by turn as SQLite's upsert does: a session
 * whose every turn had expired when a turn arrives is a fresh session with that turn's user as
 * owner; otherwise the first user keeps it and the expiry only moves forward.
 */
function nextMetas(items: TurnItem[], current: Map<string, MetaItem | undefined>): Map<string, { before?: MetaItem; after: MetaItem }> {
  const out = new Map<string, { before?: MetaItem; after: MetaItem }>();
  for (const t of items) {
    const before = current.get(t.pk);
    const prev = out.get(t.pk)?.after ?? before;
    const fresh = !prev || prev.expiresAt <= t.createdAt;
    const expiresAt = fresh ? t.expiresAt : Math.max(prev.expiresAt, t.expiresAt);
    const userId = fresh ? t.userId : prev.userId;
    const lastAt = Math.max(prev?.lastAt ?? 0, t.createdAt);
    const after: MetaItem = {
      pk: t.pk,
      sk: META_SK,
      tenantId: t.tenantId,
      sessionId: t.sessionId,
      userId,
      createdAt: fresh ? t.createdAt : prev.createdAt,
      expiresAt,
      lastAt,
      ttl: ttlSeconds(expiresAt),
      version: (before?.version ?? 0) + 1,
      gUser: `${t.tenantId}#${userId}`,
      gLast: padTime(lastAt),
    };
    out.set(t.pk, { ...(before ? { before } : {}), after });
  }
  return out;
}
