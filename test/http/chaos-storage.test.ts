import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { client, sqliteOnly, startStack, type Stack } from './support.js';

/**
 * Files pulled out from under a running server. SQLite keeps writing through its open descriptors,
 * so neither fault makes a write fail by itself: without a check, every answer is a 200 and the
 * data is gone at the next start.
 */
describe.skipIf(sqliteOnly)('chaos: the data directory or the WAL removed while serving', () => {
  let s: Stack | undefined;
  const roots: string[] = [];
  afterEach(async () => {
    await s?.close();
    s = undefined;
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });
  const fresh = () => {
    const root = mkdtempSync(join(tmpdir(), 'lore-chaos-storage-'));
    roots.push(root);
    return root;
  };

  it('data directory removed: writes answer 503 STORAGE_UNAVAILABLE with Retry-After (not a 200 into a deleted file), reads still answer, readyz 503, no crash', async () => {
    const dataDir = join(fresh(), 'data');
    s = await startStack({ dataDir });
    const api = client(s.url);
    expect((await api('POST', '/chat', { session_id: 'before', message: 'What is 2+3?' })).status).toBe(200);

    rmSync(dataDir, { recursive: true, force: true });
    for (const body of [
      { session_id: 'after-1', message: 'What is 2+3?' },
      { session_id: 'after-2', message: 'What is 2+3?', async: true },
    ]) {
      const r = await api('POST', '/chat', body);
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', details: { reason: 'read_only', sqlite_code: 'SQLITE_READONLY_DBMOVED' } });
      expect(r.body.error.message).toMatch(/removed or replaced/);
      expect(r.headers.get('retry-after')).toBe('30');
    }
    expect((await api('POST', '/ingest', { documents: [{ source_uri: 'docs/x.md', text: 'The limit is 5.' }] })).status).toBe(503);
    expect((await api('DELETE', '/sessions/before')).status).toBe(503);
    expect((await api('GET', '/readyz')).status).toBe(503);
    expect((await api('GET', '/healthz')).body).toMatchObject({ status: 'degraded', reasons: [{ component: 'storage', reason: 'read_only' }] });
    expect((await api('GET', '/sessions/before')).status).toBe(200);
    expect((await api('GET', '/metrics')).body).toMatch(/lore_storage_available 0/);
    // It stays refused (the file does not come back by itself), and the server is still up.
    expect((await api('POST', '/chat', { session_id: 'after-3', message: 'hi' })).status).toBe(503);
  });

  it('WAL removed: the server checkpoints the orphaned log into the database, recreates the WAL, and every answered write survives a restart', async () => {
    const dataDir = join(fresh(), 'data');
    s = await startStack({ dataDir });
    const api = client(s.url);
    const wal = join(dataDir, 'lore.db-wal');
    expect((await api('POST', '/chat', { session_id: 'wal-0', message: 'What is 2+3?' })).status).toBe(200);
    expect(existsSync(wal)).toBe(true);

    rmSync(wal);
    const sessions = ['wal-1', 'wal-2', 'wal-3'];
    for (const session_id of sessions) {
      const r = await api('POST', '/chat', { session_id, message: 'What is 2+3?' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    expect(existsSync(wal)).toBe(true);
    expect((await api('GET', '/readyz')).status).toBe(200);

    // A crash now (no clean close, no final checkpoint): copy the files as they are on disk and open
    // the copy, as the next start would. Every session answered 200 must be there.
    const copy = join(fresh(), 'copy.db');
    copyFileSync(join(dataDir, 'lore.db'), copy);
    if (existsSync(wal)) copyFileSync(wal, `${copy}-wal`);
    const db = new Database(copy, { readonly: true });
    try {
      const found = db.prepare(`SELECT session_id AS id FROM sessions WHERE session_id IN ('wal-0', ${sessions.map(() => '?').join(', ')})`).all(...sessions) as Array<{ id: string }>;
      expect(found.map((r) => r.id).sort()).toEqual(['wal-0', ...sessions]);
    } finally {
      db.close();
    }
  });
});
