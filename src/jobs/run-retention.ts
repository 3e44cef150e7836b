import type { Backend } from '../backend.js';

/** Runs deleted per transaction / request batch. */
const BATCH = 500;
/** Batches per call: the hourly job catches up on a backlog over several hours instead of holding the store. */
const MAX_BATCHES = 20;

/**
 * The retention job (`lore serve` hourly; on AWS with the nightly schedule): delete finished runs
 * older than `retentionSeconds`, in batches, at most MAX_BATCHES × BATCH per call. 0 keeps runs
 * forever; a backend without `purgeFinishedRuns` keeps them too. Returns how many runs went.
 */
export async function purgeOldRuns(backend: Pick<Backend, 'purgeFinishedRuns'>, p: { retentionSeconds: number; now?: number }): Promise<number> {
  if (p.retentionSeconds <= 0 || !backend.purgeFinishedRuns) return 0;
  const createdBefore = (p.now ?? Date.now()) - p.retentionSeconds * 1000;
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await backend.purgeFinishedRuns({ createdBefore, limit: BATCH });
    total += n;
    if (n < BATCH) break;
  }
  return total;
}
