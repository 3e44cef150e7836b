import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** One request on its own connection, so the cluster spreads them over its workers. */
function get(url: string): Promise<{ status: number; requestId: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id'] ?? '') }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.end();
  });
}

describe('lore serve --processes 2', () => {
  let dir: string;
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lore-cluster-'));
    child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--processes', '2', '--port', '0'], {
      env: { ...process.env, LORE_DATA_DIR: dir, LORE_RATE_LIMIT_PER_MINUTE: '4', LORE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving on (http:\/\/[\d.:]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
    });
    // The leader prints the URL once it listens; wait until the other worker answers too
    // (/healthz is not rate limited).
    const seen = new Set<string>();
    for (const deadline = Date.now() + 20_000; seen.size < 2; ) {
      if (Date.now() > deadline) throw new Error(`only ${seen.size} server process answered`);
      seen.add((await get(`${url}/healthz`)).requestId.split('_')[1]!);
    }
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }, 20_000);

  it('enforces one rate limit across its processes, not one per process', async () => {
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await get(`${url}/sessions`));
    // Both processes answered (request ids start with a per-process prefix)…
    const processes = new Set(results.map((r) => r.requestId.split('_')[1]));
    expect(processes.size).toBe(2);
    // …and together they allowed the configured 4 requests per minute, not 4 each.
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  }, 30_000);
});
