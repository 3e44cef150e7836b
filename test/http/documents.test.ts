/**
 * GET /documents over HTTP with real HS256 tokens: any user of the tenant reads the ingested
 * documents (the console's Knowledge page), filtered by text; another tenant sees none; a bad
 * query is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, hs256Auth, startStack, token, userClient, type Api, type Stack } from './support.js';

describe('GET /documents', () => {
  let s: Stack;
  let alice: Api;
  let carol: Api;

  beforeAll(async () => {
    s = await startStack({ config: hs256Auth });
    [alice, carol] = await Promise.all([userClient(s, 'alice'), userClient(s, 'carol', { roles: ['curator'] })]);
    const r = await carol('POST', '/ingest', {
      documents: [
        { source_uri: 'docs/api.md', text: 'The internal API rate limit is 100 req/s.' },
        { source_uri: 'docs/oncall.md', text: 'The on-call rota changes every Monday.' },
      ],
    });
    expect(r.status).toBe(200);
  });
  afterAll(() => s?.close());

  it('any user reads them, filtered by text; another tenant reads none', async () => {
    const all = await alice('GET', '/documents');
    expect(all.status).toBe(200);
    expect(all.body.documents.map((d: { source_uri: string }) => d.source_uri).sort()).toEqual(['docs/api.md', 'docs/oncall.md']);
    const some = await alice('GET', '/documents?text=RATE%20LIMIT');
    expect(some.body.documents).toHaveLength(1);
    expect(some.body.documents[0]).toMatchObject({ source_uri: 'docs/api.md', status: 'active', text: 'The internal API rate limit is 100 req/s.', chars: 41 });
    const other = client(s.url, await token('mallory', { tenant: 'other' }));
    expect((await other('GET', '/documents')).body.documents).toEqual([]);
  });

  it('a bad query is a 400', async () => {
    expect((await alice('GET', '/documents?limit=0')).status).toBe(400);
    expect((await alice('GET', '/documents?kind=learning')).status).toBe(400);
  });
});
