import { GetCommand, ScanCommand, UpdateCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { EvaluationRecord } from '../sqlite/evaluation-store.js';
import { queryAll, storeError, type Dynamo } from './client.js';
import { padTime } from './tables.js';

type EvalItem = Omit<EvaluationRecord, 'autoScore' | 'quality'> & { pk: string; autoScore?: number; quality?: number; gTenant: string; gJudged: string; gFlagged?: string };

function toRecord(i: EvalItem): EvaluationRecord {
  return {
    runId: i.runId,
    tenantId: i.tenantId,
    sessionId: i.sessionId,
    userId: i.userId,
    question: i.question,
    answer: i.answer,
    autoScore: i.autoScore ?? null,
    judgeReason: i.judgeReason,
    judgeModel: i.judgeModel,
    quality: i.quality ?? null,
    lowConfidence: i.lowConfidence,
    flagged: i.flagged,
    ...(i.flagReason ? { flagReason: i.flagReason } : {}),
    judgedAt: i.judgedAt,
    ...(i.recheckedAt ? { recheckedAt: i.recheckedAt } : {}),
  };
}

type FeedbackView = { kind: 'chat' | 'rating'; rating?: 'up' | 'down'; sentiment?: string; runId: string; targetRunId?: string; createdAt: number; updatedAt?: number };

/**
 * Judge scores and review flags per run (evaluations table), plus the thumbs from the feedback
 * table: ratings and chat feedback about the run share its `byTarget` key, so thumbs is one query.
 * Same methods as the SQLite adapter, asynchronous.
 */
export class DynamoEvaluationStore {
  constructor(private readonly d: Dynamo) {}

  private get table() {
    return this.d.names.evaluations;
  }

  /** Insert, or re-score: the question, answer and first judging time stay as first written. */
  async upsert(e: EvaluationRecord): Promise<void> {
    const set: string[] = [];
    const remove: string[] = [];
    const v: Record<string, unknown> = {};
    const keep = { runId: e.runId, tenantId: e.tenantId, sessionId: e.sessionId, userId: e.userId, question: e.question, answer: e.answer, judgedAt: e.judgedAt, gTenant: e.tenantId, gJudged: `${padTime(e.judgedAt)}#${e.runId}` };
    for (const [k, val] of Object.entries(keep)) {
      set.push(`${k} = if_not_exists(${k}, :${k})`);
      v[`:${k}`] = val;
    }
    const change: Record<string, unknown> = { judgeReason: e.judgeReason, judgeModel: e.judgeModel, lowConfidence: e.lowConfidence, flagged: e.flagged, autoScore: e.autoScore ?? undefined, quality: e.quality ?? undefined, flagReason: e.flagReason, recheckedAt: e.recheckedAt, gFlagged: e.flagged ? e.tenantId : undefined };
    for (const [k, val] of Object.entries(change)) {
      if (val === undefined) remove.push(k);
      else {
        set.push(`${k} = :${k}`);
        v[`:${k}`] = val;
      }
    }
    try {
      await this.d.doc.send(
        new UpdateCommand({ TableName: this.table, Key: { pk: e.runId }, UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`, ExpressionAttributeValues: v }),
      );
    } catch (err) {
      throw storeError('evaluation upsert', err);
    }
  }

  async get(runId: string): Promise<EvaluationRecord | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: runId }, ConsistentRead: true }));
    return r.Item ? toRecord(r.Item as EvalItem) : null;
  }

  /** Thumbs for a run: explicit ratings plus chat feedback about it, by sentiment. */
  async thumbs(tenantId: string, runId: string): Promise<{ up: number; down: number }> {
    const items = await queryAll<FeedbackView>(this.d, { TableName: this.d.names.feedback, IndexName: 'byTarget', KeyConditionExpression: 'gTarget = :k', ExpressionAttributeValues: { ':k': `${tenantId}#${runId}` } });
    let up = 0;
    let down = 0;
    for (const i of items) {
      const r = i.kind === 'rating' ? i.rating : i.sentiment === 'positive' ? 'up' : i.sentiment === 'negative' ? 'down' : undefined;
      if (r === 'up') up++;
      else if (r === 'down') down++;
    }
    return { up, down };
  }

  private async scan<T>(input: Omit<ScanCommandInput, 'ExclusiveStartKey'>): Promise<T[]> {
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.d.doc.send(new ScanCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
      out.push(...((r.Items ?? []) as T[]));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Evaluations the nightly job should re-check: low quality or unscored, judged since `since` (a scan: nightly, not per turn). */
  async candidatesForRecheck(since: number, limit = 500): Promise<EvaluationRecord[]> {
    const items = await this.scan<EvalItem>({
      TableName: this.table,
      FilterExpression: 'judgedAt >= :s AND flagged = :f AND (lowConfidence = :t OR attribute_not_exists(autoScore))',
      ExpressionAttributeValues: { ':s': since, ':f': false, ':t': true },
    });
    return items.sort((a, b) => a.judgedAt - b.judgedAt).slice(0, limit).map(toRecord);
  }

  /** The run a chat-feedback run was about, if any. */
  async feedbackTarget(feedbackRunId: string): Promise<string | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.d.names.feedback, Key: { pk: `W#${feedbackRunId}` } }));
    return (r.Item as FeedbackView | undefined)?.targetRunId ?? null;
  }

  /** Runs with feedback that changed since `since` (a scan of the feedback table: nightly). */
  async runsWithFeedbackSince(since: number): Promise<string[]> {
    const items = await this.scan<FeedbackView>({
      TableName: this.d.names.feedback,
      FilterExpression: '(kind = :rating AND updatedAt >= :s) OR (kind = :chat AND createdAt >= :s AND attribute_exists(targetRunId))',
      ExpressionAttributeValues: { ':rating': 'rating', ':chat': 'chat', ':s': since },
    });
    return [...new Set(items.map((i) => (i.kind === 'rating' ? i.runId : i.targetRunId!)))];
  }

  async listFlagged(tenantId: string, limit = 100): Promise<EvaluationRecord[]> {
    const items = await queryAll<EvalItem>(this.d, { TableName: this.table, IndexName: 'flagged', KeyConditionExpression: 'gFlagged = :t', ExpressionAttributeValues: { ':t': tenantId }, ScanIndexForward: false }, limit);
    return items.map(toRecord);
  }

  async stats(tenantId?: string): Promise<{ scored: number; unscored: number; low: number; flagged: number; meanQuality: number | null }> {
    const items =
      tenantId !== undefined
        ? await queryAll<EvalItem>(this.d, { TableName: this.table, IndexName: 'byTenant', KeyConditionExpression: 'gTenant = :t', ExpressionAttributeValues: { ':t': tenantId } })
        : await this.scan<EvalItem>({ TableName: this.table });
    const qualities = items.map((i) => i.quality).filter((q): q is number => q !== undefined);
    return {
      scored: items.filter((i) => i.autoScore !== undefined).length,
      unscored: items.filter((i) => i.autoScore === undefined).length,
      low: items.filter((i) => i.lowConfidence).length,
      flagged: items.filter((i) => i.flagged).length,
      meanQuality: qualities.length ? qualities.reduce((a, b) => a + b, 0) / qualities.length : null,
    };
  }
}
