import { HttpAgent, type BaseEvent, type Message } from '@ag-ui/client';
import { EventSchema } from '@ag-ui/core/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AguiEvent as LoreAguiEvent } from '../../src/ingress/agui-schemas.js';
import { hs256Auth, token } from '../http/support.js';
import { habitModel, startInteropStack, type InteropStack } from './stack.js';

/**
 * The official AG-UI client (@ag-ui/client's HttpAgent, unmodified) against a running Lore over
 * real HTTP: plain text, a server tool, a frontend tool round trip, an approval interrupt and its
 * resume, and a learning event. The client itself verifies the event sequence (it throws on a
 * protocol violation) and every event is checked against @ag-ui/core's schema as well.
 */
let s: InteropStack;
let bearer: string;
const model = habitModel();

beforeAll(async () => {
  s = await startInteropStack(model, { config: hs256Auth });
  bearer = await token('ada');
});
afterAll(() => s?.close());

const agent = (threadId: string) => new HttpAgent({ url: `${s.url}/agui`, headers: { authorization: `Bearer ${bearer}` }, threadId });

async function run(a: HttpAgent, params: Parameters<HttpAgent['runAgent']>[0] = {}) {
  const events: BaseEvent[] = [];
  let finished: { outcome: string; interrupts?: Array<{ id: string; toolCallId?: string }>; pendingToolCallIds?: string[] } | undefined;
  const res = await a.runAgent(params, {
    onEvent: ({ event }) => void events.push(event),
    onRunFinishedEvent: (p) => void (finished = p as never),
  });
  for (const e of events) {
    expect(EventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
    // …and each is one of the events /openapi.json documents (strict: no undocumented field).
    expect(LoreAguiEvent.safeParse(e).error?.issues ?? [], JSON.stringify(e)).toEqual([]);
  }
  return { ...res, events, types: events.map((e) => e.type as string), finished: finished! };
}

const user = (id: string, content: string): Message => ({ id, role: 'user', content });
const lastText = (msgs: Message[]) => msgs.filter((m) => m.role === 'assistant' && typeof m.content === 'string').map((m) => m.content as string).at(-1);

describe('AG-UI endpoint with the official HttpAgent', () => {
  it('streams a text answer; threadId is the Lore session and the client run id is the Lore run id', async () => {
    const a = agent('agui-thread-text');
    a.addMessage(user('u1', 'hi there'));
    const r = await run(a, { runId: 'client-run-1', context: [{ description: 'page', value: 'settings' }] });
    expect(r.types[0]).toBe('RUN_STARTED');
    expect(r.types.at(-1)).toBe('RUN_FINISHED');
    expect(lastText(a.messages)).toBe('Hello! You said: hi there');
    expect(r.finished.outcome).toBe('success');
    const res = await fetch(`${s.url}/runs/client-run-1`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(((await res.json()) as { session_id: string }).session_id).toBe('agui-thread-text');
    // The context reached the model, fenced as data.
    expect(JSON.stringify(model.requests.filter((r) => !JSON.stringify(r.messages).includes('PREVIOUS SUMMARY')).at(-1)!.system)).toContain('<client_context>');
  });

  it('streams a server tool call and its result', async () => {
    const a = agent('agui-thread-tool');
    a.addMessage(user('u1', 'please refund 40'));
    const r = await run(a);
    expect(r.types).toEqual(expect.arrayContaining(['TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'TOOL_CALL_RESULT']));
    expect(a.messages.some((m) => m.role === 'tool')).toBe(true);
    expect(lastText(a.messages)).toMatch(/^Done: .*"status":"issued"/);
    expect(s.refunds).toHaveLength(1);
  });

  it('hands a frontend tool call to the client and continues when the client answers', async () => {
    const a = agent('agui-thread-frontend');
    const tools = [{ name: 'change_background', description: 'Change the page background colour', parameters: { type: 'object', properties: { color: { type: 'string' } }, required: ['color'] } }];
    a.addMessage(user('u1', 'make the background nicer'));
    const first = await run(a, { tools });
    expect(first.finished.outcome).toBe('success');
    const call = a.messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []) : [])).find((c) => c.function.name === 'change_background');
    expect(call).toBeDefined();
    expect(JSON.parse(call!.function.arguments)).toEqual({ color: 'teal' });
    expect(first.finished.pendingToolCallIds).toEqual([call!.id]);
    expect(first.types).not.toContain('TOOL_CALL_RESULT'); // the server did not run it

    // The application executes the tool and sends the result in the next run's messages.
    a.addMessage({ id: 't1', role: 'tool', toolCallId: call!.id, content: 'background is now teal' });
    a.setState({ theme: 'teal' });
    const second = await run(a, { tools });
    expect(second.finished.outcome).toBe('success');
    expect(lastText(a.messages)).toBe('Done: background is now teal');
    // The model saw its own call and the client's result; memory holds the user message once.
    // The agent's last call (the session-summary task may run after the turn, off the latency path).
    const seen = model.requests.filter((r) => !JSON.stringify(r.messages).includes('PREVIOUS SUMMARY')).at(-1)!;
    expect(JSON.stringify(seen.messages)).toContain('background is now teal');
    expect(JSON.stringify(seen.system)).toContain('teal');
    const session = (await (await fetch(`${s.url}/sessions/agui-thread-frontend`, { headers: { authorization: `Bearer ${bearer}` } })).json()) as { turns: Array<{ role: string; text: string }> };
    const turns = session.turns.map((t: { role: string; text: string }) => `${t.role}:${t.text}`);
    expect(turns).toEqual(['user:make the background nicer', 'assistant:Done: background is now teal']);
  });

  it('ends with an interrupt for an approval and continues when resumed', async () => {
    const a = agent('agui-thread-approval');
    a.addMessage(user('u1', 'please refund 5000'));
    const first = await run(a);
    expect(first.finished.outcome).toBe('interrupt');
    const [interrupt] = first.finished.interrupts!;
    expect(interrupt!.toolCallId).toBe('tu_rf_5000');
    expect(s.refunds.filter((r) => r.amount === 5000)).toHaveLength(0);

    const second = await run(a, { resume: [{ interruptId: interrupt!.id, status: 'resolved', payload: { approved: true } }] });
    expect(second.finished.outcome).toBe('success');
    expect(second.types).toContain('TOOL_CALL_RESULT');
    expect(s.refunds.filter((r) => r.amount === 5000)).toHaveLength(1);
    expect(lastText(a.messages)).toMatch(/^Done: .*"amount":5000/);
  });

  it('a cancelled interrupt rejects the call: it never runs and the model is told why', async () => {
    const a = agent('agui-thread-reject');
    a.addMessage(user('u1', 'please refund 7000'));
    const first = await run(a);
    const [interrupt] = first.finished.interrupts!;
    const second = await run(a, { resume: [{ interruptId: interrupt!.id, status: 'cancelled' }] });
    expect(second.finished.outcome).toBe('success');
    expect(s.refunds.filter((r) => r.amount === 7000)).toHaveLength(0);
    expect(lastText(a.messages)).toMatch(/TOOL_REJECTED/);
    // Answering it again is a conflict, which the client surfaces as an error.
    await expect(agent('agui-thread-reject').runAgent({ resume: [{ interruptId: interrupt!.id, status: 'resolved' }] })).rejects.toThrow(/409|already answered/);
  });

  it('sends a learning as a CUSTOM event when it is written', async () => {
    const a = agent('agui-thread-learning');
    a.addMessage(user('u1', 'remember: payments deploy on Tuesday afternoons'));
    const r = await run(a);
    const custom = r.events.filter((e) => e.type === 'CUSTOM') as unknown as Array<{ name: string; value: { fact: string; event: string } }>;
    expect(custom).toHaveLength(1);
    expect(custom[0]!.name).toBe('lore.learning');
    expect(custom[0]!.value).toMatchObject({ fact: 'The deploy window for the payments team is Tuesday 14:00 UTC.', event: 'ADD' });
    // Before RUN_FINISHED, and the tag never reaches the text.
    expect(r.types.indexOf('CUSTOM')).toBeLessThan(r.types.indexOf('RUN_FINISHED'));
    // The acknowledgement, then what became of the learning (the trust model's honest notice).
    expect(lastText(a.messages)?.trim()).toMatch(/^Noted\.[\s\S]*(remember|curator)/);
    expect(lastText(a.messages)).not.toMatch(/\[LEARNING\]/);
  });

  it('rejects a malformed input with a 400 the client surfaces', async () => {
    const res = await fetch(`${s.url}/agui`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ threadId: 'x', messages: 'nope' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });
});
