import { describe, expect, it } from 'vitest';
import { clientMessages } from '../workflow/client-turn.js';
import { AguiRunInput, decisionOf, loreRunId, turnFromInput } from './agui-input.js';

const input = (messages: unknown[], extra: Record<string, unknown> = {}) => AguiRunInput.parse({ threadId: 't1', runId: 'r1', messages, ...extra });

describe('turnFromInput', () => {
  it('takes the last user message as the turn and the messages after it as the exchange', () => {
    const { message, client } = turnFromInput(
      input([
        { id: '1', role: 'user', content: 'earlier question' },
        { id: '2', role: 'assistant', content: 'earlier answer' },
        { id: '3', role: 'user', content: [{ type: 'text', text: 'make it ' }, { type: 'text', text: 'blue' }, { type: 'image', source: {} }] },
        { id: '4', role: 'assistant', content: 'On it.', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'paint', arguments: '{"color":"blue"}' } }, { id: 'c2', type: 'function', function: { name: 'paint', arguments: 'not json' } }] },
        { id: '5', role: 'tool', toolCallId: 'c1', content: 'painted' },
      ]),
    );
    expect(message).toBe('make it blue');
    // c2 has no result: dropped, so it is neither re-run nor sent to the model unanswered.
    expect(client.exchange).toEqual([
      { role: 'user', content: [{ text: 'make it blue' }] },
      { role: 'assistant', content: [{ text: 'On it.' }, { toolUse: { toolUseId: 'c1', name: 'paint', input: { color: 'blue' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'c1', content: [{ text: 'painted' }], status: 'success' } }] },
    ]);
    expect(client.prior).toEqual([
      { role: 'user', content: [{ text: 'earlier question' }] },
      { role: 'assistant', content: [{ text: 'earlier answer' }] },
    ]);
  });

  it('ends the exchange on a user-role message and rejects an input without a user message', () => {
    const { client } = turnFromInput(input([{ id: '1', role: 'user', content: 'hi' }, { id: '2', role: 'assistant', content: 'half an answer' }]));
    expect(client.exchange.map((m) => m.role)).toEqual(['user']);
    expect(() => turnFromInput(input([{ id: '1', role: 'assistant', content: 'hello' }]))).toThrow(/user message/);
    expect(AguiRunInput.safeParse({ threadId: 't', runId: 'r', messages: [], tools: [{ name: '9bad' }] }).success).toBe(false);
  });
});

describe('clientMessages', () => {
  const built = [
    { role: 'user' as const, content: [{ text: 'q1' }] },
    { role: 'assistant' as const, content: [{ text: 'a1' }] },
    { role: 'user' as const, content: [{ text: 'q2' }] },
  ];
  const client = { tools: [], context: [], exchange: [{ role: 'user' as const, content: [{ text: 'q2' }] }, { role: 'assistant' as const, content: [{ toolUse: { toolUseId: 'c', name: 'x', input: {} } }] }, { role: 'user' as const, content: [{ toolResult: { toolUseId: 'c', content: [{ text: 'ok' }] } }] }], prior: [{ role: 'user' as const, content: [{ text: 'client-only' }] }, { role: 'assistant' as const, content: [{ text: 'x' }] }] };

  it("keeps memory's turns and appends the exchange once (no double history)", () => {
    const out = clientMessages(built, client);
    expect(out.map((m) => JSON.stringify(m.content))).toEqual([JSON.stringify([{ text: 'q1' }]), JSON.stringify([{ text: 'a1' }]), ...client.exchange.map((m) => JSON.stringify(m.content))]);
  });

  it("uses the client's earlier messages only for a thread memory has never seen", () => {
    const out = clientMessages([{ role: 'user', content: [{ text: 'q2' }] }], client);
    expect(out.slice(0, 2)).toEqual(client.prior);
    expect(out.slice(2)).toEqual(client.exchange);
  });
});

describe('ids and decisions', () => {
  it("uses the client's run id when it is in Lore's alphabet, else a stable mapped id", () => {
    expect(loreRunId('0b8f1c9e-6d1a-4c55-9e43-2f0a8f7b1c22')).toBe('0b8f1c9e-6d1a-4c55-9e43-2f0a8f7b1c22');
    expect(loreRunId('run with spaces')).toMatch(/^agui_[0-9a-f]{32}$/);
    expect(loreRunId('run with spaces')).toBe(loreRunId('run with spaces'));
  });

  it('reads a resume entry as approve or reject', () => {
    expect(decisionOf({ status: 'resolved', payload: { approved: true } }).decision).toBe('approve');
    expect(decisionOf({ status: 'resolved' }).decision).toBe('approve');
    expect(decisionOf({ status: 'resolved', payload: { approved: false, reason: 'too much' } })).toEqual({ decision: 'reject', reason: 'too much' });
    expect(decisionOf({ status: 'resolved', payload: false }).decision).toBe('reject');
    expect(decisionOf({ status: 'cancelled' }).decision).toBe('reject');
  });
});
