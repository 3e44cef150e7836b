import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Feedback, FeedbackRecord, FeedbackStore } from '../../learning/feedback-store.js';
import { conditionFailed, queryAll, storeError, type Dynamo } from './client.js';
import { DynamoRatings } from './rating-store.js';
import { padTime } from './tables.js';

interface FeedbackItem extends Omit<FeedbackRecord, 'targetRunId'> {
  pk: string;
  /** Chat feedback; thumbs (rating-store.ts) share the table as kind 'rating'. */
  kind: 'chat';
  targetRunId?: string;
  gTenant: string;
  gCreated: string;
  /** Present only when the feedback is about an earlier run (sparse `byTarget` index). */
  gTarget?: string;
}

type FeedbackView = { kind: 'chat' | 'rating'; rating?: 'up' | 'down'; sentiment?: string; runId: string; targetRunId?: string };

/**
 * The feedback port on DynamoDB, one table for both kinds: chat feedback is one item per
 * feedback run (pk W#run, a conditional put, so a re-run records it once); ratings are one item
 * per (tenant, run, user) (rating-store.ts). Both carry gTarget = tenant#run they are about.
 */
export class DynamoFeedbackStore implements FeedbackStore {
  private readonly ratings: DynamoRatings;

  constructor(
    private readonly d: Dynamo,
    now: () => number = Date.now,
  ) {
    this.ratings = new DynamoRatings(d, now);
  }

  put(p: { tenantId: string; runId: string; userId: string; rating: 'up' | 'down'; comment?: string }): Promise<{ feedback: Feedback; created: boolean }> {
    return this.ratings.put(p);
  }

  list(p: { tenantId?: string; runId?: string; since?: number; limit?: number }): Promise<Feedback[]> {
    return this.ratings.list(p);
  }

  private get table() {
    return this.d.names.feedback;
  }

  async recordFeedback(p: { feedback: FeedbackRecord }): Promise<void> {
    const f = p.feedback;
    const { targetRunId, ...rest } = f;
    const item: FeedbackItem = {
      ...rest,
      pk: `W#${f.runId}`,
      kind: 'chat',
      ...(targetRunId !== null ? { targetRunId, gTarget: `${f.tenantId}#${targetRunId}` } : {}),
      gTenant: f.tenantId,
      gCreated: `${padTime(f.createdAt)}#${f.feedbackId}`,
    };
    try {
      await this.d.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (!conditionFailed(err)) throw storeError('recordFeedback', err);
    }
  }

  async listFeedback(p: { tenantId: string; targetRunId?: string; limit?: number }): Promise<FeedbackRecord[]> {
    const byTarget = p.targetRunId !== undefined;
    const items = await queryAll<FeedbackItem>(
      this.d,
      {
        TableName: this.table,
        IndexName: byTarget ? 'byTarget' : 'byTenant',
        KeyConditionExpression: byTarget ? 'gTarget = :k' : 'gTenant = :k',
        FilterExpression: 'kind = :chat',
        ExpressionAttributeValues: { ':k': byTarget ? `${p.tenantId}#${p.targetRunId}` : p.tenantId, ':chat': 'chat' },
        ScanIndexForward: false,
      },
      p.limit ?? 100,
    );
    return items.map(fromItem);
  }

  /** Ratings of the run plus chat feedback about it (positive = up, negative = down): one query. */
  async thumbs(p: { tenantId: string; runId: string }): Promise<{ up: number; down: number }> {
    const items = await queryAll<FeedbackView>(this.d, { TableName: this.table, IndexName: 'byTarget', KeyConditionExpression: 'gTarget = :k', ExpressionAttributeValues: { ':k': `${p.tenantId}#${p.runId}` } });
    let up = 0;
    let down = 0;
    for (const i of items) {
      const r = i.kind === 'rating' ? i.rating : i.sentiment === 'positive' ? 'up' : i.sentiment === 'negative' ? 'down' : undefined;
      if (r === 'up') up++;
      else if (r === 'down') down++;
    }
    return { up, down };
  }

  async feedbackTarget(p: { runId: string }): Promise<string | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `W#${p.runId}` }, ConsistentRead: true }));
    return (r.Item as FeedbackView | undefined)?.targetRunId ?? null;
  }

  /** Runs whose feedback changed since `since`: a scan of the feedback table (a nightly job, not a turn). */
  async runsWithFeedbackSince(p: { since: number }): Promise<string[]> {
    const runs = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.d.doc.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: '(kind = :rating AND updatedAt >= :s) OR (kind = :chat AND createdAt >= :s AND attribute_exists(targetRunId))',
          ExpressionAttributeValues: { ':rating': 'rating', ':chat': 'chat', ':s': p.since },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of (r.Items ?? []) as FeedbackView[]) runs.add(i.kind === 'rating' ? i.runId : i.targetRunId!);
      start = r.LastEvaluatedKey;
    } while (start);
    return [...runs];
  }
}

export function fromItem(i: FeedbackItem): FeedbackRecord {
  return {
    feedbackId: i.feedbackId,
    tenantId: i.tenantId,
    sessionId: i.sessionId,
    userId: i.userId,
    runId: i.runId,
    targetRunId: i.targetRunId ?? null,
    message: i.message,
    sentiment: i.sentiment,
    createdAt: i.createdAt,
  };
}
