import type { KnowledgeDb } from '../dynamodb/knowledge-db.js';

/**
 * The durable state of scheduled ingestion (LORE_KB_INGESTION=scheduled), in the knowledge table's
 * `#KBSYNC` partition (no tenant partition can be named so: tenant ids are URI-encoded):
 * - `tenant#<tenant>`: the tenant has KB work not yet covered by a completed job (`at`: its latest write);
 * - `job#<kb>#<ds>`: the data source's current or last ingestion job, with the time it was claimed
 *   (`startedAt`, read before StartIngestionJob, so every write queued before it is in the job's
 *   S3 snapshot). Claiming is a conditional write: overlapping sync runs start at most one job.
 */
const PK = '#KBSYNC';
export const FINAL = new Set(['COMPLETE', 'FAILED', 'STOPPED', 'CONFLICT', 'ERROR']);

export interface JobState {
  status: string;
  claimedAt: number;
  jobId?: string;
  startedAt?: number;
}

export interface PendingTenant {
  tenantId: string;
  at: number;
}

const isConditionFailure = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

export class KbSyncState {
  private readonly jobKey: string;

  constructor(
    private readonly db: KnowledgeDb,
    target: { knowledgeBaseId: string; dataSourceId: string },
  ) {
    this.jobKey = `job#${target.knowledgeBaseId}#${target.dataSourceId}`;
  }

  /** A write (queued or withdrawn document) the next completed job must cover. */
  async markPending(tenantId: string, at: number): Promise<void> {
    await this.db.put({ pk: PK, sk: `tenant#${encodeURIComponent(tenantId)}`, tenantId, at });
  }

  async pending(): Promise<PendingTenant[]> {
    const items = await this.db.query<PendingTenant>(PK, 'tenant#');
    return items.map((i) => ({ tenantId: i.tenantId, at: i.at }));
  }

  /** Drop the marker unless a write came after the one read (then the next job covers it). */
  async clearPending(p: PendingTenant): Promise<void> {
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    try {
      await this.db.client.send(
        new DeleteCommand({ TableName: this.db.table, Key: { pk: PK, sk: `tenant#${encodeURIComponent(p.tenantId)}` }, ConditionExpression: '#at = :at', ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':at': p.at } }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async job(): Promise<JobState | undefined> {
    return this.db.get<JobState>(PK, this.jobKey);
  }

  /**
   * Take the right to start the next job: only when no job is recorded, the last one ended, or a
   * claim was left behind by a run that died before starting its job (older than `staleMs`).
   */
  async claim(now: number, staleMs: number): Promise<boolean> {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const finals = [...FINAL];
    try {
      await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.table, Key: { pk: PK, sk: this.jobKey },
          UpdateExpression: 'SET #st = :claimed, claimedAt = :now REMOVE jobId, startedAt',
          ConditionExpression: `attribute_not_exists(pk) OR #st IN (${finals.map((_, i) => `:f${i}`).join(', ')}) OR (#st = :claimed AND claimedAt < :stale)`,
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':claimed': 'CLAIMED', ':now': now, ':stale': now - staleMs, ...Object.fromEntries(finals.map((f, i) => [`:f${i}`, f])) },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Record the job this claim started (its start time is the claim's). */
  async started(claimedAt: number, jobId: string): Promise<void> {
    await this.set({ status: 'STARTING', jobId, startedAt: claimedAt }, '#st = :claimed AND claimedAt = :c', { ':claimed': 'CLAIMED', ':c': claimedAt });
  }

  /** End the claim without a job (ConflictException: another job holds the data source; or an error). */
  async release(claimedAt: number, status: 'CONFLICT' | 'ERROR'): Promise<void> {
    await this.set({ status }, '#st = :claimed AND claimedAt = :c', { ':claimed': 'CLAIMED', ':c': claimedAt });
  }

  /** The job ended: the first run to see it records the outcome; false for the others. */
  async finish(jobId: string, status: string): Promise<boolean> {
    return this.set({ status }, 'jobId = :id AND NOT (#st IN (:complete, :failed, :stopped))', { ':id': jobId, ':complete': 'COMPLETE', ':failed': 'FAILED', ':stopped': 'STOPPED' });
  }

  private async set(fields: Record<string, unknown>, condition: string, values: Record<string, unknown>): Promise<boolean> {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const names: Record<string, string> = { '#st': 'status' };
    const sets = Object.keys(fields).map((k) => {
      const n = k === 'status' ? '#st' : k;
      return `${n} = :v_${k}`;
    });
    try {
      await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.table, Key: { pk: PK, sk: this.jobKey },
          UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [`:v_${k}`, v])) },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
