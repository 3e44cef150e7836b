import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, DOC, eventually, sqliteOnly, startStack, type Api, type Stack } from './support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/**
 * The real-disk variant of storage.test.ts: the database on a 6 MB tmpfs that a filler file fills
 * to the last byte (ENOSPC, as on a full production disk). Mounting needs root on Linux; anywhere
 * else the test is skipped, saying why — storage.test.ts covers the same behaviour without root.
 */
const mountPoint = mkdtempSync(join(tmpdir(), 'lore-tmpfs-'));
let skipReason = '';
if (process.platform !== 'linux') skipReason = 'tmpfs mounts need Linux';
else if (process.getuid?.() !== 0) skipReason = 'mounting a tmpfs needs root';
else {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (e) {
    skipReason = `could not mount a tmpfs: ${(e as Error).message.split('\n')[0]}`;
  }
}
if (skipReason) {
  rmSync(mountPoint, { recursive: true, force: true });
  console.warn(`storage-tmpfs.test.ts skipped: ${skipReason}`);
}

/** Write zeros until the file system refuses (ENOSPC). */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk, 0, chunk.length);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        // Fill the last partial chunk byte-wise-ish, then stop.
        for (let size = chunk.length / 2; size >= 512; size /= 2) {
          try {
            written += writeSync(fd, chunk, 0, size);
          } catch {
            // smaller next time
          }
        }
        return written;
      }
    }
  } finally {
    closeSync(fd);
  }
}

// SQLite-only: a full disk under the SQLite file (DynamoDB has no local disk to fill).
describe.skipIf(!!skipReason || sqliteOnly)('a full disk for real (tmpfs filled to ENOSPC)', () => {
  let s: Stack;
  let api: Api;
  const dataDir = join(mountPoint, 'data');
  const filler = join(mountPoint, 'filler');
  beforeAll(async () => {
    s = await startStack({ dataDir, storageProbeIntervalMs: 0, workerOptions: { pollIntervalMs: 20, retryDelayMs: () => 0 } });
    api = client(s.url);
  });
  afterAll(async () => {
    await s?.close();
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } finally {
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('503 STORAGE_UNAVAILABLE + degraded health while full, recovery by itself once space is freed, no corruption', async () => {
    expect((await api('POST', '/chat', { session_id: 'disk-1', message: 'What is 6*7?' })).status).toBe(200);
    expect(fill(filler)).toBeGreaterThan(0);

    let refused: Awaited<ReturnType<Api>> | undefined;
    const statuses = new Set<number>();
    for (let i = 0; i < 300 && !refused; i++) {
      const r = await api('POST', '/ingest', { documents: [{ source_uri: `docs/big-${i}.md`, text: `${DOC} ${'a long filler paragraph '.repeat(1500)} ${i}` }] });
      statuses.add(r.status);
      if (r.status !== 200) refused = r;
    }
    expect(refused?.status).toBe(503);
    expect(refused!.body.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(['disk_full', 'io_error']).toContain(refused!.body.error.details.reason);
    expect(refused!.headers.get('retry-after')).toBe('30');
    expect(statuses.has(500)).toBe(false);
    const health = await api('GET', '/healthz');
    expect(health.body.status).toBe('degraded');
    expect(health.body.reasons[0].component).toBe('storage');
    expect((await api('GET', '/readyz')).status).toBe(503);

    rmSync(filler);
    await eventually(async () => (await api('GET', '/healthz')).body.status === 'ok');
    expect((await api('GET', '/readyz')).status).toBe(200);
    const chat = await api('POST', '/chat', { session_id: 'disk-2', message: 'What is 2+3?' });
    expect(chat.status).toBe(200);
    expect(chat.body.answer).toMatch(/\b5\b/);
    expect(sqliteDb(s.rt).pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
