import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, DOC, QUESTION, startStack, UPDATE, type Stack } from './support.js';

interface Ev {
  type: string;
  [k: string]: unknown;
}

/** A minimal SSE client: POST, then split the body into `data:` frames as they arrive. */
async function streamChat(url: string, body: unknown, path = '/chat'): Promise<{ status: number; contentType: string | null; events: Ev[]; raw: string }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(body) });
  const events: Ev[] = [];
  let raw = '';
  let buf = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const text = decoder.decode(chunk, { stream: true });
    raw += text;
    buf += text;
    let end;
    while ((end = buf.indexOf('\n\n')) !== -1) {
      const frame = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      events.push(JSON.parse(data) as Ev);
    }
  }
  expect(buf).toBe('');
  return { status: res.status, contentType: res.headers.get('content-type'), events, raw };
}

/** Structural checks every AG-UI stream must pass, whatever the run did. */
function checkOrder(events: Ev[]): void {
  expect(events[0]!.type).toBe('RUN_STARTED');
  const terminal = events.findIndex((e) => e.type === 'RUN_FINISHED' || e.type === 'RUN_ERROR');
  expect(terminal).toBe(events.length - 1);
  let open: string | undefined;
  const tools = new Map<string, string[]>();
  for (const e of events) {
    if (e.type === 'TEXT_MESSAGE_START') {
      expect(open).toBeUndefined();
      open = e.messageId as string;
    } else if (e.type === 'TEXT_MESSAGE_CONTENT') {
      expect(e.messageId).toBe(open);
      expect((e.delta as string).length).toBeGreaterThan(0);
    } else if (e.type === 'TEXT_MESSAGE_END') {
      expect(e.messageId).toBe(open);
      open = undefined;
    } else if (e.type.startsWith('TOOL_CALL_')) {
      const seq = tools.get(e.toolCallId as string) ?? [];
      seq.push(e.type);
      tools.set(e.toolCallId as string, seq);
    }
  }
  expect(open).toBeUndefined();
  for (const seq of tools.values()) expect(seq).toEqual(['TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'TOOL_CALL_RESULT']);
}

describe('POST /chat with Accept: text/event-stream (AG-UI)', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
    await client(s.url)('POST', '/ingest', { documents: [{ source_uri: 'docs/internal-api.md', text: DOC }] });
  });
  afterAll(() => s.close());

  it('streams a turn in order, and a learning turn without its [LEARNING] line', async () => {
    const first = await streamChat(s.url, { session_id: 'stream-A', message: QUESTION });
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    checkOrder(first.events);
    const text = first.events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => e.delta).join('');
    expect(text).toMatch(/\b100\b/);
    const done = first.events.at(-1)!;
    expect(done).toMatchObject({ type: 'RUN_FINISHED', threadId: 'stream-A', outcome: { type: 'success' } });
    expect((done.result as { answer: string }).answer.trim()).toBe(text.trim());

    const update = await streamChat(s.url, { session_id: 'stream-A', message: UPDATE });
    checkOrder(update.events);
    expect(update.raw).not.toMatch(/\[learning\]/i);
    const result = update.events.at(-1)!.result as { learnings: Array<{ event: string; fact: string }> };
    expect(result.learnings.some((l) => /500/.test(l.fact) && (l.event === 'ADD' || l.event === 'UPDATE'))).toBe(true);

    const b = await streamChat(s.url, { session_id: 'stream-B', message: QUESTION });
    checkOrder(b.events);
    expect(b.events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => e.delta).join('')).toMatch(/\b500\b/);
  });

  it('streams tool calls as START/ARGS/END/RESULT', async () => {
    const r = await streamChat(s.url, { session_id: 'stream-calc', message: 'What is 17*23?' });
    checkOrder(r.events);
    const start = r.events.find((e) => e.type === 'TOOL_CALL_START');
    expect(start).toMatchObject({ toolCallName: 'calculator' });
    const args = r.events.find((e) => e.type === 'TOOL_CALL_ARGS')!;
    expect(JSON.parse(args.delta as string)).toEqual({ expression: '17*23' });
    const result = r.events.find((e) => e.type === 'TOOL_CALL_RESULT')!;
    expect(result.content).toMatch(/391/);
    expect(r.events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => e.delta).join('')).toMatch(/391/);
  });

  it('ends with RUN_FINISHED carrying an interrupt when a tool call needs approval', async () => {
    const r = await streamChat(s.url, { session_id: 'stream-refund', message: 'Please issue a refund of $1500 for order A-1001.' });
    checkOrder(r.events);
    const done = r.events.at(-1)!;
    expect(done).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'interrupt' } });
    expect((done.outcome as { interrupts: unknown[] }).interrupts).toHaveLength(1);
  });

  it('streams the run continuing after an approval decision; a second decision is a JSON 409', async () => {
    const paused = await streamChat(s.url, { session_id: 'stream-approve', message: 'Please issue a refund of $1500 for order A-1001.' });
    const runId = paused.events[0]!.runId as string;
    const [approval] = (await client(s.url)('GET', '/approvals?status=pending')).body.approvals.filter((a: { run_id: string }) => a.run_id === runId);
    const r = await streamChat(s.url, { decision: 'approve', reason: 'verified' }, `/approvals/${approval.approval_id}`);
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^text\/event-stream/);
    checkOrder(r.events);
    expect(r.events[0]).toMatchObject({ type: 'RUN_STARTED', runId, threadId: 'stream-approve' });
    const result = r.events.find((e) => e.type === 'TOOL_CALL_RESULT')!;
    expect(result.content).toMatch(/A-1001/);
    expect(r.events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => e.delta).join('')).toMatch(/1500/);
    expect(r.events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'success' } });

    const again = await fetch(`${s.url}/approvals/${approval.approval_id}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: '{"decision":"reject"}' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
  });

  it('reports validation errors as JSON, not as a stream', async () => {
    const res = await fetch(`${s.url}/chat`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: '{"session_id":"x"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });
});
