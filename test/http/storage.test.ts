import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, DOC, eventually, sqliteOnly, startStack, type Api, type Stack } from './support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/**
 * A full disk, emulated deterministically and without root: PRAGMA max_page_count caps the
 * database file, so SQLite fails writes with SQLITE_FULL exactly as it does on ENOSPC. The
 * real-disk variant (a small tmpfs filled up) is test/http/storage-tmpfs.test.ts.
 */
// SQLite-only: the fault is made with a SQLite pragma (max_page_count), which has no DynamoDB counterpart.
describe.skipIf(sqliteOnly)('storage faults are named, temporary and recovered from (SQLITE_FULL via max_page_count)', () => {
  let s: Stack;
  let api: Api;
  beforeAll(async () => {
    s = await startStack({ storageProbeIntervalMs: 0, workerOptions: { pollIntervalMs: 20, retryDelayMs: () => 0 } });
    api = client(s.url);
  });
  afterAll(() => s.close());

  it('answers 503 STORAGE_UNAVAILABLE with Retry-After, reports degraded, keeps serving reads, and recovers when space returns', async () => {
    expect((await api('POST', '/chat', { session_id: 'full-1', message: 'What is 6*7?' })).status).toBe(200);
    expect((await api('GET', '/healthz')).body.status).toBe('ok');
    expect((await api('GET', '/readyz')).status).toBe(200);

    // The disk "fills": no page beyond the ones the file has. Writes use up the free space, then
    // fail. Each kind of write is repeated until it is refused (a small one may still fit in a
    // page after a big one was refused), and every refusal must be the named 503, never a 500.
    sqliteDb(s.rt).pragma(`max_page_count = ${sqliteDb(s.rt).pragma('page_count', { simple: true }) as number}`);
    const untilRefused = async (send: (i: number) => ReturnType<Api>) => {
      for (let i = 0; i < 300; i++) {
        const r = await send(i);
        if (r.status >= 300) return r;
      }
      throw new Error('never refused');
    };
    const refused = [
      await untilRefused((i) => api('POST', '/ingest', { documents: [{ source_uri: `docs/filler-${i}.md`, text: `${DOC} ${'filler text '.repeat(400)} ${i}` }] })),
      await untilRefused((i) => api('POST', '/chat', { session_id: `full-sync-${i}`, message: 'What is 2+3?' })),
      await untilRefused((i) => api('POST', '/chat', { session_id: `full-async-${i}`, message: 'What is 2+3?', async: true })),
    ];
    // The refused sync turns stopped at their last checkpoint: in flight, not FAILED.
    const left = () => sqliteDb(s.rt).prepare(`SELECT status, count(*) AS n FROM workflow_runs WHERE status NOT IN ('COMPLETED', 'AWAITING_APPROVAL') GROUP BY status`).all();
    expect(left().length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', details: { reason: 'disk_full', sqlite_code: 'SQLITE_FULL' } });
      expect(r.headers.get('retry-after')).toBe('30');
    }

    const health = await api('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', reasons: [{ component: 'storage', reason: 'disk_full' }] });
    const ready = await api('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toContainEqual(expect.objectContaining({ component: 'storage', reason: 'disk_full' }));
    const metrics = (await api('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/lore_storage_available 0/);
    expect(metrics).toMatch(/lore_storage_faults_total\{reason="disk_full"\} [1-9]/);
    // Reads still work on a full disk.
    expect((await api('GET', '/sessions/full-1')).status).toBe(200);

    // Space returns: the next probe sees a writable database, and the same requests succeed.
    sqliteDb(s.rt).pragma('max_page_count = 1073741823');
    expect((await api('GET', '/healthz')).body.status).toBe('ok');
    expect((await api('GET', '/readyz')).status).toBe(200);
    expect((await api('GET', '/metrics')).body).toMatch(/lore_storage_available 1/);
    const again = await api('POST', '/chat', { session_id: 'full-sync-again', message: 'What is 2+3?' });
    expect(again.status).toBe(200);
    expect(again.body.answer).toMatch(/\b5\b/);
    const async = await api('POST', '/chat', { session_id: 'full-async-again', message: 'What is 2+3?', async: true });
    expect(async.status).toBe(202);
    await eventually(async () => (await api('GET', `/runs/${async.body.run_id}`)).body.status === 'COMPLETED');
    // The turns the fault interrupted were left resumable, not FAILED, and were resumed once space returned.
    await eventually(async () => left().length === 0);
    expect(sqliteDb(s.rt).prepare(`SELECT count(*) FROM workflow_runs WHERE status = 'FAILED'`).pluck().get()).toBe(0);
    expect(sqliteDb(s.rt).pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
