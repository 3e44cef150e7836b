import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Feedback } from '../../learning/feedback-store.js';
import { newId } from '../../util/ids.js';
import { queryAll, storeError, type Dynamo } from './client.js';
import { padTime } from './tables.js';

type RatingItem = Feedback & { pk: string; kind: 'rating'; gTenant: string; gTarget: string; gCreated: string };

const toFeedback = (i: RatingItem): Feedback => ({
  id: i.id,
  tenantId: i.tenantId,
  runId: i.runId,
  userId: i.userId,
  rating: i.rating,
  ...(i.comment !== undefined ? { comment: i.comment } : {}),
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
});

/**
 * The ratings half of the feedback port (thumbs up/down, POST /feedback), in the same table as
 * chat feedback: one item per (tenant, run, user), so rating again replaces it. Both kinds share
 * the `byTarget` index (tenant#run), which is how a run's thumbs are one query.
 */
export class DynamoRatings {
  constructor(
    private readonly d: Dynamo,
    private readonly now: () => number = Date.now,
  ) {}

  private get table() {
    return this.d.names.feedback;
  }

  async put(p: { tenantId: string; runId: string; userId: string; rating: 'up' | 'down'; comment?: string }): Promise<{ feedback: Feedback; created: boolean }> {
    const id = newId('fb');
    const now = this.now();
    try {
      const r = await this.d.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `T#${p.tenantId}#${p.runId}#${p.userId}` },
          UpdateExpression: `SET id = if_not_exists(id, :id), createdAt = if_not_exists(createdAt, :now), updatedAt = :now, tenantId = :t, runId = :r, userId = :u,
            rating = :rating, kind = :kind, gTenant = :t, gTarget = :target, gCreated = :created${p.comment !== undefined ? ', #comment = :comment' : ''}${p.comment === undefined ? ' REMOVE #comment' : ''}`,
          ExpressionAttributeNames: { '#comment': 'comment' },
          ExpressionAttributeValues: {
            ':id': id,
            ':now': now,
            ':t': p.tenantId,
            ':r': p.runId,
            ':u': p.userId,
            ':rating': p.rating,
            ':kind': 'rating',
            ':target': `${p.tenantId}#${p.runId}`,
            ':created': `${padTime(now)}#${p.runId}#${p.userId}`,
            ...(p.comment !== undefined ? { ':comment': p.comment } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = r.Attributes as RatingItem;
      return { feedback: toFeedback(item), created: item.id === id };
    } catch (err) {
      throw storeError('feedback put', err);
    }
  }

  async list(p: { tenantId?: string; runId?: string; since?: number; limit?: number }): Promise<Feedback[]> {
    const limit = Math.max(1, Math.min(Math.floor(p.limit ?? 1000), 10_000));
    const since = p.since ?? 0;
    let items: RatingItem[];
    if (p.tenantId !== undefined) {
      const byRun = p.runId !== undefined;
      items = await queryAll<RatingItem>(this.d, {
        TableName: this.table,
        IndexName: byRun ? 'byTarget' : 'byTenant',
        KeyConditionExpression: byRun ? 'gTarget = :k' : 'gTenant = :k AND gCreated >= :since',
        FilterExpression: byRun ? 'kind = :kind AND updatedAt >= :s' : 'kind = :kind',
        ExpressionAttributeValues: { ':k': byRun ? `${p.tenantId}#${p.runId}` : p.tenantId, ':kind': 'rating', ...(byRun ? { ':s': since } : { ':since': padTime(since) }) },
        ScanIndexForward: false,
      });
    } else {
      // Across tenants (a nightly job): a scan.
      items = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await this.d.doc.send(
          new ScanCommand({
            TableName: this.table,
            FilterExpression: `kind = :kind AND updatedAt >= :s${p.runId !== undefined ? ' AND runId = :r' : ''}`,
            ExpressionAttributeValues: { ':kind': 'rating', ':s': since, ...(p.runId !== undefined ? { ':r': p.runId } : {}) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...((r.Items ?? []) as RatingItem[]));
        start = r.LastEvaluatedKey;
      } while (start);
    }
    return items
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map(toFeedback);
  }
}
