import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, storeCounts, startStack, type Api, type Stack } from './support.js';

/** POST with Transfer-Encoding: chunked (no Content-Length), so only the streaming limit can stop it. */
function chunkedPost(url: string, path: string, chunks: number, chunkSize: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.write('{"session_id":"big","message":"');
    for (let i = 0; i < chunks; i++) req.write('x'.repeat(chunkSize));
    req.end('"}');
  });
}

describe('hardening', () => {
  let s: Stack;
  let api: Api;
  beforeAll(async () => {
    s = await startStack({ config: { 'server.bodyLimitBytes': 4096, 'server.rateLimitPerMinute': 30 } });
    api = client(s.url);
  });
  afterAll(() => s.close());

  it('413 for bodies over the limit, declared or streamed, and nothing is written', async () => {
    const before = await storeCounts(s);
    const declared = await api('POST', '/chat', { session_id: 'big', message: 'x'.repeat(5000) });
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit_bytes: 4096 } });
    const streamed = await chunkedPost(s.url, '/chat', 10, 1024);
    expect(streamed.status).toBe(413);
    expect(await storeCounts(s)).toEqual(before);
  });

  it('400 with details for unknown fields, wrong types and non-JSON; 404 for unknown routes', async () => {
    const unknown = await api('POST', '/chat', { session_id: 'a', message: 'hi', sesion_id: 'typo' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ code: 'unrecognized_keys' })]);
    const wrongType = await api('POST', '/feedback', { run_id: 'r', rating: 'meh' });
    expect(wrongType.body.error.details[0]).toMatchObject({ path: 'rating' });
    expect((await api('POST', '/chat', 'session_id=a&message=hi', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(400);
    const nf = await api('GET', '/nope');
    expect(nf).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await api('GET', '/runs/..%2F..%2Fetc')).status).toBe(404);
  });

  it('echoes a sane x-request-id, continues a W3C trace, and mints ids otherwise', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const r = await api('GET', '/approvals', undefined, { 'x-request-id': 'req-123', traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(r.headers.get('x-request-id')).toBe('req-123');
    expect(r.headers.get('x-trace-id')).toBe(traceId);
    const minted = await api('GET', '/approvals', undefined, { 'x-request-id': 'bad id with spaces' });
    expect(minted.headers.get('x-request-id')).toMatch(/^req_/);
    expect(minted.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('429 with Retry-After once the per-user bucket is empty', async () => {
    let limited: Awaited<ReturnType<Api>> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await api('GET', '/approvals');
      if (r.status === 429) limited = r;
    }
    expect(limited).toBeTruthy();
    expect(limited!.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Health checks are not rate limited.
    expect((await api('GET', '/healthz')).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight turn finish, then stops accepting', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    const s = await startStack({
      wrap: (runner) => ({
        ...runner,
        start: async (p) => {
          started = true;
          await gate;
          return runner.start(p);
        },
      }),
    });
    const inFlight = client(s.url)('POST', '/chat', { session_id: 'drain', message: 'What is 1+1?' });
    await eventually(async () => started);
    const closing = s.close();
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    release();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.body.answer).toMatch(/2/);
    await closing;
  });
});
