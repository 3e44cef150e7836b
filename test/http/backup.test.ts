import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreDatabase } from '../../src/stores/sqlite/backup.js';
import { openDatabase } from '../../src/stores/sqlite/database.js';
import { client, DOC, QUESTION, sqliteOnly, startStack, UPDATE, type Stack } from './support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The real CLI in a child process (its own connection, its own file locks), as an operator runs it. */
function lore(dataDir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LORE_LOG_LEVEL: 'silent' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

// SQLite-only: backup and restore copy the SQLite file (on AWS the infra enables DynamoDB point-in-time recovery instead).
describe.skipIf(sqliteOnly)('lore backup / lore restore', () => {
  const root = mkdtempSync(join(tmpdir(), 'lore-backup-'));
  const dataDir = join(root, 'data');
  const file = join(root, 'lore-backup.db');
  let s: Stack | undefined;
  afterAll(async () => {
    await s?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('backs up while serving, refuses to restore under a running server, and restores to identical answers', { timeout: 60_000 }, async () => {
    s = await startStack({ dataDir });
    let api = client(s.url);
    expect((await api('POST', '/ingest', { documents: [{ source_uri: 'docs/internal-api.md', text: DOC }] })).status).toBe(200);
    const taught = await api('POST', '/chat', { session_id: 'teach', message: UPDATE });
    const learningId = taught.body.learnings.find((l: { event: string }) => l.event === 'ADD' || l.event === 'UPDATE').learning_id;
    const before = await api('POST', '/chat', { session_id: 'ask-1', message: QUESTION });
    expect(before.body.answer).toMatch(/500/);
    const learningsBefore = (await api('GET', '/learnings?status=active')).body.learnings;

    // The backup runs in another process while this one keeps writing turns.
    let writing = true;
    const traffic = (async () => {
      let n = 0;
      while (writing) expect((await api('POST', '/chat', { session_id: `busy-${n++ % 5}`, message: 'What is 2+2?' })).status).toBe(200);
      return n;
    })();
    const backup = await lore(dataDir, 'backup', file);
    writing = false;
    expect(await traffic).toBeGreaterThan(0);
    expect(backup.err).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.out).toMatch(/Backed up .* \(.* MB, schema version \d+, integrity ok\)/);
    expect(readdirSync(root).filter((f) => f.includes('.partial-'))).toEqual([]);

    // Change things after the backup: the learning is deleted, so the answer changes.
    expect((await api('DELETE', `/learnings/${learningId}?reason=test`)).status).toBe(200);
    expect((await api('POST', '/chat', { session_id: 'ask-2', message: QUESTION })).body.answer).not.toMatch(/500/);

    const refused = await lore(dataDir, 'restore', file);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/in use by another process \(is `lore serve` running\?\)/);

    await s.close();
    const restored = await lore(dataDir, 'restore', file);
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(/Restored .* schema version \d+/);
    expect(restored.out).toMatch(/kept as .*lore\.db\.before-restore-/);

    s = await startStack({ dataDir });
    api = client(s.url);
    const after = await api('POST', '/chat', { session_id: 'ask-3', message: QUESTION });
    expect(after.body.answer).toBe(before.body.answer.replaceAll('ask-1', 'ask-3'));
    expect((await api('GET', '/learnings?status=active')).body.learnings).toEqual(learningsBefore);
    expect((await api('GET', '/sessions/ask-1')).body.turns.length).toBe(2);
    expect(sqliteDb(s.rt).pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses a corrupt file, a non-Lore database and a newer schema, leaving the database untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-restore-'));
    try {
      const dbPath = join(dir, 'lore.db');
      openDatabase(dbPath).close();
      const junk = join(dir, 'junk.db');
      writeFileSync(junk, 'not a database at all, just text '.repeat(200));
      expect(() => restoreDatabase(junk, dbPath)).toThrow(/not a (readable )?SQLite database/);
      const other = join(dir, 'other.db');
      new Database(other).exec('CREATE TABLE t (x)');
      expect(() => restoreDatabase(other, dbPath)).toThrow(/not a Lore database/);
      const newer = join(dir, 'newer.db');
      openDatabase(newer).close();
      const n = new Database(newer);
      n.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99999, ?, 0)').run('future');
      n.close();
      expect(() => restoreDatabase(newer, dbPath)).toThrow(/written by a newer version of Lore/);
      expect(readdirSync(dir).filter((f) => f.includes('before-restore') || f.includes('restoring'))).toEqual([]);
      expect(existsSync(dbPath)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a truncated backup and one whose migrations fail are refused before anything is swapped; the data directory keeps working', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-restore-'));
    try {
      const dbPath = join(dir, 'lore.db');
      const live = openDatabase(dbPath);
      live.prepare("INSERT INTO sessions (tenant_id, session_id, user_id, created_at, expires_at) VALUES ('default', 'kept', 'local', 0, 0)").run();
      live.close();
      const good = join(dir, 'good.db');
      openDatabase(good).close();
      const bytes = readFileSync(good);
      const truncated = join(dir, 'truncated.db');
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
      expect(() => restoreDatabase(truncated, dbPath)).toThrow(/not a (readable )?SQLite database|integrity/);
      // An older backup whose recorded version does not match its tables: migrating it fails.
      const mismatched = join(dir, 'mismatched.db');
      writeFileSync(mismatched, bytes);
      const m = new Database(mismatched);
      m.prepare('DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)').run();
      m.close();
      expect(() => restoreDatabase(mismatched, dbPath)).toThrow(/could not be migrated to this version's schema.*left untouched/);
      expect(readdirSync(dir).filter((f) => f.includes('before-restore') || f.includes('restoring'))).toEqual([]);
      const after = openDatabase(dbPath);
      try {
        expect(after.prepare("SELECT session_id FROM sessions WHERE session_id = 'kept'").get()).toEqual({ session_id: 'kept' });
      } finally {
        after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
