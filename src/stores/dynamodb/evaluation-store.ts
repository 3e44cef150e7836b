import { GetCommand, ScanCommand, UpdateCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { EvaluationRecord, EvaluationStats, EvaluationStore } from '../../learning/evaluation-store.js';
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

/**
 * The evaluation port on DynamoDB: one item per run (pk runId), with a tenant GSI (stats, quality
 * series) and a sparse `flagged` GSI (the review queue). Null scores are left out of the item
 * (attribute_not_exists is "unscored"). Re-check candidates are a scan: a nightly job.
 */
export class DynamoEvaluationStore implements EvaluationStore {
  constructor(private readonly d: Dynamo) {}

  private get table() {
    return this.d.names.evaluations;
  }

  /** Insert, or re-score: the question, answer and first judging time stay as first written. */
  async upsert({ evaluation: e }: { evaluation: EvaluationRecord }): Promise<void> {
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

  async get(p: { runId: string }): Promise<EvaluationRecord | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: p.runId }, ConsistentRead: true }));
    return r.Item ? toRecord(r.Item as EvalItem) : null;
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

  async candidatesForRecheck(p: { since: number; limit?: number }): Promise<EvaluationRecord[]> {
    const items = await this.scan<EvalItem>({
      TableName: this.table,
      FilterExpression: 'judgedAt >= :s AND flagged = :f AND (lowConfidence = :t OR attribute_not_exists(autoScore))',
      ExpressionAttributeValues: { ':s': p.since, ':f': false, ':t': true },
      ConsistentRead: true,
    });
    return items
      .sort((a, b) => a.judgedAt - b.judgedAt)
      .slice(0, p.limit ?? 500)
      .map(toRecord);
  }

  async listFlagged(p: { tenantId: string; limit?: number }): Promise<EvaluationRecord[]> {
    const items = await queryAll<EvalItem>(
      this.d,
      { TableName: this.table, IndexName: 'flagged', KeyConditionExpression: 'gFlagged = :t', ExpressionAttributeValues: { ':t': p.tenantId }, ScanIndexForward: false },
      p.limit ?? 100,
    );
    return items.map(toRecord);
  }

  private async tenantItems(tenantId: string | undefined, since?: number): Promise<EvalItem[]> {
    if (tenantId === undefined) return this.scan<EvalItem>({ TableName: this.table, ConsistentRead: true });
    return queryAll<EvalItem>(this.d, {
      TableName: this.table,
      IndexName: 'byTenant',
      KeyConditionExpression: since !== undefined ? 'gTenant = :t AND gJudged >= :s' : 'gTenant = :t',
      ExpressionAttributeValues: { ':t': tenantId, ...(since !== undefined ? { ':s': padTime(since) } : {}) },
    });
  }

  async stats(p: { tenantId?: string }): Promise<EvaluationStats> {
    const items = await this.tenantItems(p.tenantId);
    const qualities = items.map((i) => i.quality).filter((q): q is number => q !== undefined);
    return {
      scored: items.filter((i) => i.autoScore !== undefined).length,
      unscored: items.filter((i) => i.autoScore === undefined).length,
      low: items.filter((i) => i.lowConfidence).length,
      flagged: items.filter((i) => i.flagged).length,
      meanQuality: qualities.length ? qualities.reduce((a, b) => a + b, 0) / qualities.length : null,
    };
  }

  async qualitySince(p: { tenantId: string; since: number }): Promise<Array<{ quality: number; judgedAt: number }>> {
    const items = await this.tenantItems(p.tenantId, p.since);
    return items.filter((i) => i.quality !== undefined).map((i) => ({ quality: i.quality!, judgedAt: i.judgedAt }));
  }
}
