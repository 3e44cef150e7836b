import fc from 'fast-check';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalDecisionRequest, ChatRequest, FeedbackRequest, IngestRequest } from '../../src/ingress/schemas.js';
import { storeCounts, startStack, type Stack } from './support.js';

/**
 * Bad input never yields a 5xx and never writes anything. Bodies are generated to be invalid
 * (each is checked against the route's own schema first), from three families: arbitrary JSON,
 * valid bodies with one field broken, and bytes that are not JSON at all.
 */
const VALID: Record<string, { schema: z.ZodType; sample: Record<string, unknown> }> = {
  '/chat': { schema: ChatRequest, sample: { session_id: 'fuzz', message: 'What is the rate limit?' } },
  '/feedback': { schema: FeedbackRequest, sample: { run_id: 'run_x', rating: 'up', comment: 'ok' } },
  '/approvals/appr_x': { schema: ApprovalDecisionRequest, sample: { decision: 'approve', reason: 'fine' } },
  '/ingest': { schema: IngestRequest, sample: { documents: [{ source_uri: 'docs/a.md', text: 'A fact.' }] } },
};

const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\n\t', 'a'.repeat(40_000), 'learnings/x', '../../etc/passwd', 'x y', '\u0000', '💥'.repeat(5), 'DROP TABLE runs;'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
);

/** A valid body with exactly one thing broken (the schema decides whether it really broke). */
function mutated(sample: Record<string, unknown>) {
  const keys = Object.keys(sample);
  return fc.oneof(
    fc.record({ k: fc.constantFrom(...keys), v: weird }).map(({ k, v }) => ({ ...sample, [k]: v })),
    fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(sample).filter(([x]) => x !== k))),
    fc.record({ k: fc.string({ minLength: 1 }).filter((k) => !keys.includes(k) && k !== '__proto__'), v: fc.jsonValue() }).map(({ k, v }) => ({ ...sample, [k]: v })),
  );
}

describe('fuzzed request bodies', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ config: { 'server.rateLimitPerMinute': 1_000_000, 'server.bodyLimitBytes': 64 * 1024 } });
  });
  afterAll(() => s.close());

  it('≥ 500 invalid bodies: every answer is a 4xx error object and no table changes', async () => {
    const before = await storeCounts(s);
    const statuses = new Map<number, number>();
    let sent = 0;
    const send = async (path: string, body: string | Uint8Array, contentType = 'application/json') => {
      const res = await fetch(s.url + path, { method: 'POST', headers: { 'content-type': contentType }, body });
      const json = (await res.json()) as { error?: { code?: string; message?: string } };
      sent++;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${path} ${String(body).slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${path} ${String(body).slice(0, 200)}`).toBeLessThan(500);
      expect(typeof json.error?.code).toBe('string');
      expect(typeof json.error?.message).toBe('string');
    };

    for (const [path, { schema, sample }] of Object.entries(VALID)) {
      const invalid = fc.oneof(fc.jsonValue(), mutated(sample)).filter((v) => !schema.safeParse(v).success);
      await fc.assert(fc.asyncProperty(invalid, (v) => send(path, JSON.stringify(v))), { numRuns: 110 });
      // Not JSON at all: truncated, binary, or the right JSON under the wrong content type.
      await fc.assert(fc.asyncProperty(fc.string(), (t) => send(path, `{${t}`)), { numRuns: 15 });
      await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), (b) => send(path, Uint8Array.from([0xff, ...b]))), { numRuns: 10 });
      await send(path, JSON.stringify(sample), 'text/plain');
      await send(path, JSON.stringify({ ...sample, pad: 'x'.repeat(70 * 1024) }));
    }
    // Queries are input too.
    for (const q of ['status=bogus', 'limit=0', 'limit=abc', 'limit=9999', 'offset=-1', 'color=red', 'status=active&status=deleted', 'text=']) {
      const r = await fetch(`${s.url}/learnings?${q}`);
      expect(r.status, q).toBe(400);
      sent++;
    }

    expect(sent).toBeGreaterThanOrEqual(500);
    expect(await storeCounts(s)).toEqual(before);
    expect([...statuses.keys()].every((st) => st === 400 || st === 404 || st === 413)).toBe(true);
  }, 120_000);
});
