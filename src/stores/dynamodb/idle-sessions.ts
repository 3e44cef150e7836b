import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Dynamo } from './client.js';
import { summaryKey } from './memory-store.js';
import { META_SK, type MetaItem } from './session-items.js';

/**
 * Sessions gone quiet whose turns are still live and whose summary does not cover their last turn
 * yet (the SQLite adapter's idleSessions, on DynamoDB): the session META items say when the
 * session was last written (lastAt) and until when it lives (expiresAt); the summary item says how
 * far it covers. There is no index by last activity across users, so this is a filtered Scan of
 * the META items (projection only), stopped once `limit` sessions are found; the scheduler runs it
 * every 5 minutes. A deployment with millions of live sessions would add a sparse GSI instead.
 */
export async function idleSessions(d: Dynamo, p: { now: number; idleSeconds: number; limit?: number }): Promise<Array<{ tenantId: string; sessionId: string; userId: string }>> {
  const limit = p.limit ?? 100;
  const quietSince = p.now - p.idleSeconds * 1000;
  const out: Array<{ tenantId: string; sessionId: string; userId: string }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await d.doc.send(
      new ScanCommand({
        TableName: d.names.sessions,
        FilterExpression: 'sk = :meta AND expiresAt > :now AND lastAt <= :quiet',
        ExpressionAttributeValues: { ':meta': META_SK, ':now': p.now, ':quiet': quietSince },
        ProjectionExpression: 'tenantId, sessionId, userId, lastAt',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const m of (r.Items ?? []) as Array<Pick<MetaItem, 'tenantId' | 'sessionId' | 'userId' | 'lastAt'>>) {
      const s = await d.doc.send(new GetCommand({ TableName: d.names.memory, Key: summaryKey(m.tenantId, m.sessionId), ProjectionExpression: 'coveredThrough', ConsistentRead: true }));
      const covered = (s.Item as { coveredThrough?: number } | undefined)?.coveredThrough ?? -1;
      if (m.lastAt > covered) out.push({ tenantId: m.tenantId, sessionId: m.sessionId, userId: m.userId });
      if (out.length >= limit) return out;
    }
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}
