import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, DOC, QUESTION, startStack, UPDATE, type Api, type Stack } from './support.js';

/** The product's acceptance test, end to end over HTTP: two sessions, one learning between them. */
describe('the 3-step learning proof through /chat', () => {
  let s: Stack;
  let api: Api;
  beforeAll(async () => {
    s = await startStack();
    api = client(s.url);
  });
  afterAll(() => s.close());

  it('session B answers from what session A taught, and the learning can be inspected and rolled back', async () => {
    const ingest = await api('POST', '/ingest', { documents: [{ source_uri: 'docs/internal-api.md', text: DOC }] });
    expect(ingest.status).toBe(200);
    expect(ingest.body.documents[0]).toMatchObject({ source_uri: 'docs/internal-api.md', status: 'active' });

    const first = await api('POST', '/chat', { session_id: 'session-A', message: QUESTION });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ session_id: 'session-A', status: 'COMPLETED', intent: 'question' });
    expect(first.body.answer).toMatch(/\b100\b/);
    expect(first.headers.get('x-trace-id')).toBe(first.body.trace_id);
    expect(first.headers.get('x-request-id')).toBeTruthy();

    const second = await api('POST', '/chat', { session_id: 'session-A', message: UPDATE });
    expect(second.status).toBe(200);
    expect(second.body.answer).not.toMatch(/\[learning\]/i);
    expect(second.body.answer.length).toBeGreaterThan(0);
    const learned = second.body.learnings.find((l: { event: string }) => l.event === 'ADD' || l.event === 'UPDATE');
    expect(learned).toBeTruthy();
    expect(learned.fact).toMatch(/500/);

    const third = await api('POST', '/chat', { session_id: 'session-B', message: QUESTION });
    expect(third.status).toBe(200);
    expect(third.body.answer).toMatch(/\b500\b/);
    expect(third.body.answer).not.toMatch(/\b100 req\/s\b/);

    // Provenance and history of the learning.
    const list = await api('GET', '/learnings?status=active&text=500');
    expect(list.status).toBe(200);
    expect(list.body.learnings.map((l: { id: string }) => l.id)).toContain(learned.learning_id);
    const detail = await api('GET', `/learnings/${learned.learning_id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.provenance).toMatchObject({ sessionId: 'session-A', userId: 'local', runId: second.body.run_id });
    expect(detail.body.history[0]).toMatchObject({ action: 'created' });

    // Roll back: delete → session C gets 100 again; restore → 500 again.
    expect((await api('DELETE', `/learnings/${learned.learning_id}?reason=wrong`)).body.status).toBe('deleted');
    const afterDelete = await api('POST', '/chat', { session_id: 'session-C', message: QUESTION });
    expect(afterDelete.body.answer).toMatch(/\b100\b/);
    expect((await api('POST', `/learnings/${learned.learning_id}/restore`)).body.status).toBe('active');
    const afterRestore = await api('POST', '/chat', { session_id: 'session-D', message: QUESTION });
    expect(afterRestore.body.answer).toMatch(/\b500\b/);

    // The run record and the feedback the evaluator reads.
    const run = await api('GET', `/runs/${third.body.run_id}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ run_id: third.body.run_id, status: 'COMPLETED', session_id: 'session-B' });
    expect(run.body.steps.length).toBeGreaterThan(0);
    expect(run.body.result.answer).toBe(third.body.answer);
    const fb = await api('POST', '/feedback', { run_id: third.body.run_id, rating: 'up', comment: 'right' });
    expect(fb.status).toBe(201);
    const again = await api('POST', '/feedback', { run_id: third.body.run_id, rating: 'down' });
    expect(again.status).toBe(200);
    expect((await s.rt.backend.feedback.list({ runId: third.body.run_id })).map((f) => f.rating)).toEqual(['down']);

    // Sessions: A has 4 turns; deleting it removes them.
    const session = await api('GET', '/sessions/session-A');
    expect(session.body.turns.map((t: { role: string }) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect((await api('DELETE', '/sessions/session-A')).body.deleted_turns).toBe(4);
    expect((await api('GET', '/sessions/session-A')).status).toBe(404);
  });

  it('serves health, metrics, the OpenAPI document and the chat page', async () => {
    const health = await api('GET', '/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    const metrics = await api('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/lore_http_requests_total\{method="POST",route="\/chat",status="200"\} \d+/);
    expect(metrics.body).toMatch(/lore_dlq_depth\{queue="chat"\} 0/);
    const doc = await api('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/chat'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ChatRequest' });
    expect(doc.body.components.schemas.ChatRequest).toMatchObject({ type: 'object', additionalProperties: false, required: ['session_id', 'message'] });
    expect(doc.body.components.schemas.ChatResponse.properties.learnings).toBeTruthy();
    const page = await fetch(`${s.url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toMatch(/<title>Lore<\/title>/);
    expect((await fetch(`${s.url}/app.js`)).status).toBe(200);
  });
});
