import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedbackRecord } from '../../workflow/run-store.js';
import { conditionFailed, queryAll, storeError, type Dynamo } from './client.js';
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

/** Feedback typed into the chat: one item per feedback run (a re-run records it once). */
export class DynamoFeedbackStore {
  constructor(private readonly d: Dynamo) {}

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

  /** The run a chat-feedback run was about, if any (the evaluator's question). */
  async feedbackTarget(feedbackRunId: string): Promise<string | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `W#${feedbackRunId}` } }));
    return (r.Item as FeedbackItem | undefined)?.targetRunId ?? null;
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
