/**
 * GET /stats/series over HTTP with real HS256 tokens: a curator reads the tenant's figures over
 * time (every turn counted once, in the bucket it started in, tokens and latency filled in); a user
 * who is not a curator is refused; a bad query is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hs256Auth, startStack, userClient, type Api, type Stack } from './support.js';

describe('GET /stats/series', () => {
  let s: Stack;
  let alice: Api;
  let carol: Api;

  beforeAll(async () => {
    s = await startStack({ config: hs256Auth });
    [alice, carol] = await Promise.all([userClient(s, 'alice'), userClient(s, 'carol', { roles: ['curator'] })]);
    for (const message of ['What is 17*23?', 'What is 2+2?', 'What is 3*3?']) {
      const r = await alice('POST', '/chat', { session_id: 'stats-a', message });
      expect(r.status).toBe(200);
    }
  });
  afterAll(() => s?.close());

  it('a curator gets one bucket per point, every turn counted once, in the buckets they started in', async () => {
    const r = await carol('GET', '/stats/series?hours=2&buckets=4');
    expect(r.status).toBe(200);
    expect(r.body.bucket_seconds).toBe(1800);
    expect(r.body.buckets).toHaveLength(4);
    const starts = r.body.buckets.map((b: { start: string }) => Date.parse(b.start));
    expect(starts.every((t: number, i: number) => i === 0 || t - starts[i - 1] === 1_800_000)).toBe(true);
    type B = { turns: number; failed: number; tokens: number; p50_ms: number | null; p95_ms: number | null };
    const buckets = r.body.buckets as B[];
    expect(buckets.reduce((n, b) => n + b.turns, 0)).toBe(3);
    expect(buckets.reduce((n, b) => n + b.failed, 0)).toBe(0);
    // The turns just ran: they sit in the latest bucket (or the one before, across a boundary).
    expect(buckets.slice(0, 2).every((b) => b.turns === 0 && b.p50_ms === null && b.tokens === 0)).toBe(true);
    for (const b of buckets.filter((x) => x.turns > 0)) {
      expect(b.tokens).toBeGreaterThan(0);
      expect(b.p50_ms).toBeGreaterThanOrEqual(0);
      expect(b.p95_ms).toBeGreaterThanOrEqual(b.p50_ms!);
    }
    expect(r.body.dlq_depth).toBe(0);
  });

  it('a user who is not a curator is refused; a bad query is a 400', async () => {
    const r = await alice('GET', '/stats/series');
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect((await carol('GET', '/stats/series?buckets=1')).status).toBe(400);
    expect((await carol('GET', '/stats/series?nope=1')).status).toBe(400);
  });
});
