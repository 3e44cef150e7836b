import { ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { RunOutcome, StatsSource, StoredRunResult } from '../../telemetry/stats-source.js';
import { queryAll, type Dynamo } from './client.js';
import { RUN_SK, STEP_PREFIX, type RunItem, type StepItem } from './run-items.js';
import { padTime } from './tables.js';

/** What the knowledge and queue adapters report for the operator figures (they own that data). */
export interface StatsExtras {
  learningCounts?: (p: { tenantId?: string }) => Promise<{ active: number; superseded: number }>;
  deadLetters?: () => Promise<number>;
}

/**
 * The stats read port over the runs table: a tenant's runs through the `byTenant` GSI, every
 * tenant's (and step durations) through a scan, which suits `lore stats` and the console's charts,
 * not a turn's path. Learnings and dead letters come from the knowledge and queue adapters.
 */
export class DynamoStatsSource implements StatsSource {
  constructor(
    private readonly d: Dynamo,
    private readonly extras: StatsExtras = {},
  ) {}

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

  async runOutcomes(p: { tenantId?: string; since?: number }): Promise<RunOutcome[]> {
    const since = p.since ?? 0;
    const items =
      p.tenantId !== undefined
        ? await queryAll<RunItem>(this.d, {
            TableName: this.d.names.runs,
            IndexName: 'byTenant',
            KeyConditionExpression: 'gTenant = :t AND gCreated >= :s',
            ExpressionAttributeValues: { ':t': p.tenantId, ':s': padTime(since) },
          })
        : await this.scan<RunItem>({ TableName: this.d.names.runs, FilterExpression: 'sk = :run AND createdAt >= :s', ExpressionAttributeValues: { ':run': RUN_SK, ':s': since } });
    return items.map((r) => ({
      tenantId: r.tenantId,
      sessionId: r.sessionId,
      status: r.status,
      result: r.result ? (JSON.parse(r.result) as StoredRunResult) : null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
  }

  async stepDurations(p: { tenantId?: string }): Promise<Array<{ step: string; ms: number }>> {
    // Step items do not repeat their run's tenant: one scan reads both and joins them here.
    const items = await this.scan<(RunItem | StepItem) & { sk: string }>({
      TableName: this.d.names.runs,
      FilterExpression: 'sk = :run OR (begins_with(sk, :step) AND #status = :ok)',
      ExpressionAttributeNames: { '#status': 'status', '#step': 'step' },
      ExpressionAttributeValues: { ':run': RUN_SK, ':step': STEP_PREFIX, ':ok': 'succeeded' },
      ProjectionExpression: 'pk, sk, tenantId, #step, startedAt, finishedAt',
    });
    const tenantOf = new Map(items.filter((i) => i.sk === RUN_SK).map((i) => [i.pk, (i as RunItem).tenantId]));
    return items
      .filter((i): i is StepItem => i.sk !== RUN_SK && (p.tenantId === undefined || tenantOf.get(i.pk) === p.tenantId))
      .map((s) => ({ step: s.step, ms: s.finishedAt - s.startedAt }))
      .sort((a, b) => (a.step < b.step ? -1 : a.step > b.step ? 1 : a.ms - b.ms));
  }

  async learningCounts(p: { tenantId?: string }): Promise<{ active: number; superseded: number }> {
    if (!this.extras.learningCounts) throw new Error('learningCounts: no DynamoDB knowledge adapter in this backend yet');
    return this.extras.learningCounts(p);
  }

  async deadLetters(): Promise<number> {
    if (!this.extras.deadLetters) throw new Error('deadLetters: no queue adapter in this backend yet');
    return this.extras.deadLetters();
  }
}
