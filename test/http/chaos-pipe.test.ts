import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from './support.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe.skipIf(sqliteOnly)('chaos: `lore serve` whose stdout reader went away', () => {
  const root = mkdtempSync(join(tmpdir(), 'lore-chaos-pipe-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps serving, and SIGTERM still drains and exits 0 (the shutdown line used to die on EPIPE)', { timeout: 60_000 }, async () => {
    const dataDir = join(root, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--data-dir', dataDir, 'serve', '--host', '127.0.0.1', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LORE_LOG_LEVEL: 'silent' },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`lore serve exited early: ${err}`)));
    });
    // The reader hangs up: every later write to stdout is EPIPE.
    child.stdout.destroy();

    const r = await fetch(`${url}/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id: 'pipe', message: 'What is 2+3?' }) });
    expect(r.status).toBe(200);
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    expect(err).not.toMatch(/EPIPE|Unhandled 'error'/);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // The turn answered before the signal is in the database, once.
    const db = new Database(join(dataDir, 'lore.db'), { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) AS n FROM turns WHERE session_id = 'pipe' AND role = 'user'`).get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
