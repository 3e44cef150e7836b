import type { KnowledgeDb } from '../dynamodb/knowledge-db.js';
import type { IngestionApi } from './ingestion.js';
import { KbLedger } from './ledger.js';
import { FINAL, KbSyncState } from './sync-state.js';

/**
 * One step of scheduled ingestion (LORE_KB_INGESTION=scheduled), run by a timer outside the
 * request path (the EventBridge rule's Lambda on AWS). Everything it knows comes from the durable
 * ledger and sync state in DynamoDB, so any invocation can pick up where the last one stopped:
 * 1. a recorded job that has not ended is polled once: still running → nothing else to do;
 *    COMPLETE → every entry queued before the job started becomes indexed (search then serves it
 *    from the KB); FAILED/STOPPED → entries stay queued, the next step retries with a new job;
 * 2. with work pending and no job running, a conditional claim lets one run start a job; a
 *    ConflictException (a job started outside Lore's sync, e.g. in the console) ends the claim and
 *    the next run tries again.
 */
export interface KbSyncOptions {
  db: KnowledgeDb;
  api: IngestionApi;
  knowledgeBaseId: string;
  dataSourceId: string;
  now?: () => number;
  /** A claim older than this without a job was left by a run that died before starting it (default 10 min). */
  staleClaimMs?: number;
  /**
   * Writers and the sync are different machines: an entry counts as covered by a job only when it
   * was queued this long before the job's start by the sync's clock (default 1 s). One queued
   * inside the margin waits for the next job; without it, a writer whose clock lags could have an
   * entry marked indexed that the job never saw.
   */
  clockSkewMs?: number;
}

export interface KbSyncReport {
  /** What this run did about the next job. */
  action: 'idle' | 'running' | 'started' | 'conflict' | 'claimed-elsewhere';
  jobId?: string;
  /** The job this run saw end, with the entries it marked indexed. */
  finished?: { jobId: string; status: string; indexed: number };
  /** Tenants with KB work not yet covered by a completed job, after this run. */
  pendingTenants: number;
}

const isConflict = (e: unknown) => (e as { name?: string }).name === 'ConflictException';
const isNotFound = (e: unknown) => (e as { name?: string }).name === 'ResourceNotFoundException';

export async function syncIngestion(o: KbSyncOptions): Promise<KbSyncReport> {
  const now = o.now ?? Date.now;
  const state = new KbSyncState(o.db, o);
  const ledger = new KbLedger(o.db);
  let finished: KbSyncReport['finished'];
  const job = await state.job();
  if (job?.jobId && job.startedAt !== undefined && !FINAL.has(job.status)) {
    let status: string;
    try {
      status = await o.api.status(job.jobId);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      status = 'FAILED';
    }
    if (!FINAL.has(status)) return { action: 'running', jobId: job.jobId, pendingTenants: (await state.pending()).length };
    const indexed = status === 'COMPLETE' ? await markCovered(state, ledger, job.startedAt - (o.clockSkewMs ?? 1000)) : 0;
    await state.finish(job.jobId, status);
    finished = { jobId: job.jobId, status, indexed };
  }
  const pending = await state.pending();
  const base = { ...(finished ? { finished } : {}), pendingTenants: pending.length };
  if (pending.length === 0) return { action: 'idle', ...base };
  const claimedAt = now();
  if (!(await state.claim(claimedAt, o.staleClaimMs ?? 600_000))) return { action: 'claimed-elsewhere', ...base };
  let jobId: string;
  try {
    jobId = await o.api.start();
  } catch (e) {
    await state.release(claimedAt, isConflict(e) ? 'CONFLICT' : 'ERROR');
    if (isConflict(e)) return { action: 'conflict', ...base };
    throw e;
  }
  await state.started(claimedAt, jobId);
  return { action: 'started', jobId, ...base };
}

/** Entries queued before `before` (the completed job's start, less the skew margin) become indexed; tenants with nothing newer are done. */
async function markCovered(state: KbSyncState, ledger: KbLedger, before: number): Promise<number> {
  let n = 0;
  for (const p of await state.pending()) {
    const covered = (await ledger.queued(p.tenantId)).filter((e) => e.queuedAt < before);
    n += await ledger.markIndexed(covered);
    if (p.at < before) await state.clearPending(p);
  }
  return n;
}
