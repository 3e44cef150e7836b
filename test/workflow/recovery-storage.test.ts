import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverWithRetry } from '../../src/ingress/recovery.js';
import { makeHarness, tempDir } from './fixtures.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/**
 * A process restarted on a full disk: recovery of the runs a crash left in flight must not give
 * up (`recovery_failed` once, runs stranded until the next restart) but retry until space returns.
 * The full disk is SQLite's page limit (PRAGMA max_page_count), which fails writes with SQLITE_FULL.
 */
describe('start-up recovery on a full disk', () => {
  const tmp = tempDir('lore-recovery-full-');
  afterAll(() => tmp.cleanup());

  it('retries with backoff while storage is full and resumes every run once space returns', async () => {
    const dbPath = join(tmp.dir, 'lore.db');
    const h = makeHarness({ dbPath });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await h.engine.enqueue({ tenantId: 'default', sessionId: `s${i}`, userId: 'u', message: 'What is 2+3?' })).runId);
      // The disk fills up: use every free page of a file that may not grow.
      sqliteDb(h.rt).pragma(`max_page_count = ${sqliteDb(h.rt).pragma('page_count', { simple: true }) as number}`);
      for (let i = 0; i < 500; i++) {
        try {
          await h.rt.knowledge.upsertDocument({ tenantId: 'default', sourceUri: `docs/filler-${i}.md`, kind: 'document', text: `filler ${i} ${'padding words '.repeat(300)}` });
        } catch {
          break;
        }
      }
      const attempts: number[] = [];
      const resumed = await recoverWithRetry(h.engine, {
        delayMs: (n) => n * 10,
        // Space returns after the third failed attempt.
        sleep: async (ms) => {
          attempts.push(ms);
          if (attempts.length === 3) sqliteDb(h.rt).pragma('max_page_count = 1073741823');
        },
      });
      expect(attempts).toEqual([10, 20, 30]);
      expect(resumed).toBe(3);
      for (const runId of ids) expect((await h.engine.getRun({ tenantId: 'default', runId }))?.status).toBe('COMPLETED');
      expect(h.logLines.join('')).toMatch(/"event":"recovery_failed"/);
    } finally {
      await h.close();
    }
  });

  it('gives up at once on an error that is not a storage fault', async () => {
    const boom = new Error('not storage');
    await expect(recoverWithRetry({ recoverInFlight: async () => Promise.reject(boom) }, { sleep: async () => {} })).rejects.toBe(boom);
  });
});
