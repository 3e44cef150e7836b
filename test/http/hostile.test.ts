import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedMethods } from '../../src/ingress/app.js';
import { eventually, QUESTION, storeCounts, startStack, UPDATE, type Stack } from './support.js';

/**
 * A hostile client, bounded by counts: wrong methods on every route, bodies the MCP endpoint
 * must bound like the others, and SSE clients that hang up mid-stream or before the first byte.
 */

/** POST a chunked body (no Content-Length) of `size` bytes of JSON-RPC-looking junk. */
function chunkedPost(url: string, size: number, headers: Record<string, string>, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, ...(agent ? { agent } : {}) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.write('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask","arguments":{"message":"');
    for (let sent = 0; sent < size; sent += 8192) req.write('x'.repeat(8192));
    req.end('"}}}');
  });
}

describe('a hostile client', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ config: { 'server.rateLimitPerMinute': 1_000_000, 'server.bodyLimitBytes': 64 * 1024 } });
  });
  afterAll(() => s.close());

  it('a known path with the wrong method is a 405 naming the allowed methods (Allow header); an unknown path stays 404', async () => {
    const known: Array<[string, string[]]> = [
      ['/chat', ['POST']],
      ['/agui', ['POST']],
      ['/feedback', ['POST']],
      ['/ingest', ['POST']],
      ['/sessions', ['GET', 'HEAD']],
      ['/sessions/sess_1', ['DELETE', 'GET', 'HEAD']],
      ['/runs', ['GET', 'HEAD']],
      ['/runs/run_1', ['GET', 'HEAD']],
      ['/runs/run_1/trace', ['GET', 'HEAD']],
      ['/approvals', ['GET', 'HEAD']],
      ['/approvals/apr_1', ['POST']],
      ['/learnings/lrn_1', ['DELETE', 'GET', 'HEAD']],
      ['/learnings/lrn_1/approve', ['POST']],
      ['/me/memory', ['DELETE', 'GET', 'HEAD']],
      ['/me/memory/m_1', ['DELETE', 'PUT']],
      ['/users/u_1/data', ['DELETE']],
      ['/healthz', ['GET', 'HEAD']],
    ];
    let checked = 0;
    for (const [path, allow] of known) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        if (allow.includes(method)) continue;
        const res = await fetch(s.url + path, { method, ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }) });
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(body.error.code).toBe('METHOD_NOT_ALLOWED');
        expect(body.error.message).toContain(allow[0]!);
        expect(res.headers.get('allow')).toBe(allow.join(', '));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    for (const path of ['/nope', '/runs/run_1/nope', '/chat/extra', '/runs//trace']) {
      const res = await fetch(s.url + path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });

  it('junk bodies on the routes the body fuzz does not cover: a 4xx error object each, nothing written', async () => {
    const before = await storeCounts(s);
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const deepObj = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const bodies: Array<string | Uint8Array> = [
      '', 'null', '[]', '{}', '{', '"x"', deep(50_000), deepObj(5_000),
      '{"__proto__":{"polluted":1}}', '{"text":"\ud800"}', '{"text":1}', '{"reason":{"a":1}}',
      JSON.stringify({ threadId: 't', runId: 'r', messages: 'x', tools: [], context: [], state: {}, forwardedProps: {} }),
      JSON.stringify({ threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'user', content: { x: 1 } }], tools: [], context: [], state: {}, forwardedProps: {} }),
      JSON.stringify({ threadId: 't', runId: 'r', messages: [], tools: [{ name: 'x y', description: 1 }], context: [], state: {}, forwardedProps: {} }),
      new Uint8Array([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"text":"\xff\xfe"}
    ];
    const routes: Array<[string, string]> = [
      ['POST', '/agui'],
      ['PUT', '/me/memory/mem_1'],
      ['POST', '/learnings/lrn_1/approve'],
      ['POST', '/learnings/lrn_1/reject'],
      ['POST', '/learnings/lrn_1/restore'],
      ['POST', '/approvals/apr_1'],
    ];
    let sent = 0;
    for (const [method, path] of routes) {
      for (const body of bodies) {
        for (const type of ['application/json', 'text/plain']) {
          const res = await fetch(s.url + path, { method, headers: { 'content-type': type }, body });
          const json = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
          const what = `${method} ${path} ${type} ${String(body).slice(0, 60)}`;
          expect(res.status, what).toBeGreaterThanOrEqual(400);
          expect(res.status, what).toBeLessThan(500);
          expect(typeof json.error?.code, what).toBe('string');
          expect(typeof json.error?.message, what).toBe('string');
          sent++;
        }
      }
    }
    expect(sent).toBe(routes.length * bodies.length * 2);
    expect(await storeCounts(s)).toEqual(before);
  });

  it('allowedMethods matches route patterns segment by segment', () => {
    const routes = [
      { method: 'ALL', path: '/*' },
      { method: 'GET', path: '/runs/:id' },
      { method: 'DELETE', path: '/runs/:id' },
      { method: 'POST', path: '/runs/:id/cancel' },
    ];
    expect(allowedMethods(routes, '/runs/abc')).toEqual(['DELETE', 'GET', 'HEAD']);
    expect(allowedMethods(routes, '/runs/')).toEqual([]);
    expect(allowedMethods(routes, '/runs/abc/cancel')).toEqual(['POST']);
    expect(allowedMethods(routes, '/other')).toEqual([]);
  });

  it('POST /mcp enforces the configured body limit on chunked bodies too (413, nothing written)', async () => {
    const before = await storeCounts(s);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    // Over the configured 64 KiB, far under the MCP SDK's own 4 MB cap.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const big = await chunkedPost(`${s.url}/mcp`, 256 * 1024, headers, agent);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const chatTooBig = await chunkedPost(`${s.url}/chat`, 2_000_000, headers, agent);
    expect(chatTooBig.status).toBe(413);
    // On the same keep-alive connection pool: the 413 said `connection: close`, so the next
    // request does not go down the dropped socket.
    // A chunked body under the limit still reaches the MCP server.
    const list = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${s.url}/mcp`, { method: 'POST', headers, agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('{"jsonrpc":"2.0","id":7,');
      req.end('"method":"tools/list"}');
    });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body).result.tools.map((t: { name: string }) => t.name)).toContain('ask');
    agent.destroy();
    expect(await storeCounts(s)).toEqual(before);
  });

  it('SSE clients hanging up mid-stream or before the first byte leave no run unfinished', async () => {
    const n = 24;
    const hangUps = Array.from({ length: n }, async (_, i) => {
      const ac = new AbortController();
      const agui = i % 3 === 2;
      const body = agui
        ? { threadId: `hang-t${i}`, runId: `hang_r${i}`, messages: [{ id: 'm1', role: 'user', content: 'What is 17*23?' }], tools: [], context: [], state: {}, forwardedProps: {} }
        : { session_id: `hang${i}`, message: i % 2 ? QUESTION : UPDATE };
      const sent = fetch(`${s.url}${agui ? '/agui' : '/chat'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
        signal: ac.signal,
      });
      try {
        if (i % 4 === 0) {
          // Gone before the response starts.
          ac.abort();
          await sent;
          return;
        }
        const res = await sent;
        await res.body!.getReader().read();
        ac.abort();
      } catch (e) {
        if ((e as Error).name !== 'AbortError') throw e;
      }
    });
    await Promise.all(hangUps);
    // Every run that was created reaches a terminal state; none is left running or half-written.
    const stuck = await eventually(async () => {
      const runs = await s.engine.listRuns({ tenantId: 'default', limit: 100 });
      const open = runs.filter((r) => r.status !== 'COMPLETED' && r.status !== 'FAILED' && r.status !== 'AWAITING_APPROVAL');
      return open.length === 0 ? runs : undefined;
    });
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck.every((r) => r.status === 'COMPLETED')).toBe(true);
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
