import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, ISSUER, SECRET, token } from './support.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Reply {
  status: number;
  requestId: string;
  body: string;
}

/** One request on its own connection, so the cluster spreads them over its workers. */
function send(url: string, o: { method?: string; bearer?: string; body?: unknown } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close' };
    if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const req = request(url, { method: o.method ?? 'GET', agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id'] ?? ''), body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.end(o.body === undefined ? undefined : JSON.stringify(o.body));
  });
}

/** Request ids start with a per-process prefix: req_<process>_<n>. */
const processOf = (r: Reply) => r.requestId.split('_')[1]!;

/** `lore serve --processes 2` as users run it: one port, two processes, one SQLite file. */
describe('lore serve --processes 2', () => {
  let dir: string;
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lore-cluster-'));
    child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--processes', '2', '--port', '0'], {
      env: {
        ...process.env,
        LORE_DATA_DIR: dir,
        LORE_RATE_LIMIT_PER_MINUTE: '4',
        LORE_LOG_LEVEL: 'warn',
        LORE_AUTH_HS256_SECRET: SECRET,
        LORE_AUTH_ISSUER: ISSUER,
        LORE_AUTH_AUDIENCE: AUDIENCE,
        // The test's tokens carry no tenant claim, and it scrapes /metrics without a token.
        LORE_AUTH_DEFAULT_TENANT: 'default',
        LORE_METRICS_PUBLIC: 'true',
      },
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
      seen.add(processOf(await send(`${url}/healthz`)));
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
    const bearer = await token('rate-limited');
    const results: Reply[] = [];
    for (let i = 0; i < 8; i++) results.push(await send(`${url}/sessions`, { bearer }));
    // Both processes answered…
    expect(new Set(results.map(processOf)).size).toBe(2);
    // …and together they allowed the configured 4 requests per minute, not 4 each.
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  }, 30_000);

  it("serves a run's trace from whichever process is asked", async () => {
    const bearer = await token('tracer');
    const turn = await send(`${url}/chat`, { method: 'POST', bearer, body: { session_id: 'cluster-trace', message: 'What is 17*23?' } });
    expect(turn.status).toBe(200);
    const runId = (JSON.parse(turn.body) as { run_id: string }).run_id;
    const traces = [await send(`${url}/runs/${runId}/trace`, { bearer }), await send(`${url}/runs/${runId}/trace`, { bearer }), await send(`${url}/runs/${runId}/trace`, { bearer })];
    expect(new Set(traces.map(processOf)).size).toBe(2); // round-robin: at least one is the other process
    for (const t of traces) {
      expect(t.status).toBe(200);
      const spans = (JSON.parse(t.body) as { spans: Array<{ name: string }> }).spans;
      expect(spans.filter((s) => s.name === 'invoke_agent lore')).toHaveLength(1);
      expect(spans.map((s) => s.name)).toContain('step Reason');
    }
  }, 30_000);

  it('serves every process in GET /metrics, each series labelled with its worker, one header per metric', async () => {
    const texts = [await send(`${url}/metrics`), await send(`${url}/metrics`)];
    expect(new Set(texts.map(processOf)).size).toBe(2);
    for (const { status, body } of texts) {
      expect(status).toBe(200);
      expect(body).toMatch(/worker="0"/);
      expect(body).toMatch(/worker="1"/);
      const types = body.split('\n').filter((l) => l.startsWith('# TYPE '));
      expect(new Set(types).size).toBe(types.length);
      // The turn above ran in one process; its model calls show whichever process answers.
      const runs = body.split('\n').filter((l) => l.startsWith('lore_model_calls_total{'));
      expect(runs.length).toBeGreaterThan(0);
      // The queue is one, in the shared database: reported once (by the leader), not per process.
      const depth = body.split('\n').filter((l) => l.startsWith('lore_queue_depth{') || l.startsWith('lore_dlq_depth{'));
      expect(depth.length).toBeGreaterThan(0);
      for (const l of depth) expect(l).toMatch(/worker="0"/);
    }
  }, 30_000);
});
