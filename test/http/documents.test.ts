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

  it('POST /ingest chunks a transcript by paragraph when asked, by token windows by default', async () => {
    const transcript = ['Ana: the boiler in block C was serviced on 3 March.', 'Ben: and the lift inspection is booked for 12 April.', 'Ana: the fire drill moves to Friday afternoons.'].join('\n\n');
    for (const [uri, chunking] of [['notes/paragraphs.txt', 'paragraphs'], ['notes/windows.txt', undefined]] as const) {
      const r = await carol('POST', '/ingest', { documents: [{ source_uri: uri, text: transcript, ...(chunking ? { chunking } : {}) }] });
      expect(r.status).toBe(200);
    }
    const hits = await s.rt.knowledge.search({ tenantId: 'default', query: 'lift inspection booked', topK: 10 });
    const byUri = (uri: string) => hits.filter((h) => h.sourceUri === uri).map((h) => h.text);
    expect(byUri('notes/paragraphs.txt')[0]).toBe('Ben: and the lift inspection is booked for 12 April.');
    expect(byUri('notes/windows.txt')).toEqual([transcript]);
    const bad = await carol('POST', '/ingest', { documents: [{ source_uri: 'notes/x.txt', text: transcript, chunking: 'sentences' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('a bad query is a 400', async () => {
    expect((await alice('GET', '/documents?limit=0')).status).toBe(400);
    expect((await alice('GET', '/documents?kind=learning')).status).toBe(400);
  });
});
