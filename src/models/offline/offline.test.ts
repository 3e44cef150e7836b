import { describe, expect, it } from 'vitest';
import { DECISION_SYSTEM_PROMPT } from '../../learning/decision.js';
import { calculatorTool } from '../../tools/builtins/calculator.js';
import { currentTimeTool } from '../../tools/builtins/current-time.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { AnyTool } from '../../tools/tool.js';
import { collectStream } from '../stream.js';
import type { ConverseRequest } from '../types.js';
import { messageText } from '../types.js';
import { createOfflineProvider } from './index.js';

const model = createOfflineProvider();
const tools = new ToolRegistry([calculatorTool as unknown as AnyTool, currentTimeTool as unknown as AnyTool]).specs();
const ask = (text: string, extra: Partial<ConverseRequest> = {}): ConverseRequest => ({ messages: [{ role: 'user', content: [{ text }] }], ...extra });
const memory = (...blocks: string[]) => [{ text: 'You are Lore.' }, { text: `<semantic_memory>\n${blocks.join('\n\n')}\n</semantic_memory>` }];

describe('offline model', () => {
  it('calls the calculator for arithmetic, filling the expression from the message', async () => {
    const res = await model.converse(ask('what is 17*23?', { toolConfig: { tools } }));
    expect(res.stopReason).toBe('tool_use');
    expect(res.output.message.content[0]).toMatchObject({ toolUse: { name: 'calculator', input: { expression: '17*23' } } });
  });

  it('answers from the tool result', async () => {
    const res = await model.converse({
      toolConfig: { tools },
      messages: [
        { role: 'user', content: [{ text: 'what is 17*23?' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'calculator', input: { expression: '17*23' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 't1', status: 'success', content: [{ json: { expression: '17*23', result: 391 } }] } }] },
      ],
    });
    expect(res.stopReason).toBe('end_turn');
    expect(messageText(res.output.message)).toContain('391');
  });

  it('calls the time tool only for time questions', async () => {
    const t = await model.converse(ask('What time is it now in Europe/Paris?', { toolConfig: { tools } }));
    expect(t.output.message.content[0]).toMatchObject({ toolUse: { name: 'current_time', input: { timezone: 'Europe/Paris' } } });
    const n = await model.converse(ask('Tell me about our deploy process', { toolConfig: { tools } }));
    expect(n.stopReason).toBe('end_turn');
  });

  it('turns statements of new facts into an acknowledgement plus a [LEARNING] line', async () => {
    for (const [msg, fact] of [
      ['Update: the rate limit was increased to 500 req/s last month.', 'The rate limit was increased to 500 req/s last month.'],
      ['Actually, deploys happen on Thursdays', 'Deploys happen on Thursdays.'],
      ['Please remember that the on-call phone is in the blue drawer', 'The on-call phone is in the blue drawer.'],
      ['The staging database is now on Postgres 16', 'The staging database is now on Postgres 16.'],
    ]) {
      const text = messageText((await model.converse(ask(msg!))).output.message);
      expect(text).toContain(`\n[LEARNING]: ${fact}`);
    }
    const q = messageText((await model.converse(ask('Is the rate limit now 500?'))).output.message);
    expect(q).not.toContain('[LEARNING]');
  });

  it('answers from semantic memory and prefers the newer fact over a superseded block', async () => {
    const system = memory(
      '[Source: docs/api.md | score: 1.00 | SUPERSEDED by newer learning: "The rate limit was increased to 500 req/s last month."]\nThe internal API rate limit is 100 req/s. Auth uses OAuth.',
      '[Source: learnings/t/s/l1.md | score: 0.80 | learning]\nThe rate limit was increased to 500 req/s last month.',
    );
    const text = messageText((await model.converse(ask('What is the rate limit of our internal API?', { system }))).output.message);
    expect(text).toContain('500');
    const plain = messageText((await model.converse(ask('What is the rate limit of our internal API?', { system: memory('[Source: docs/api.md | score: 1.00]\nThe internal API rate limit is 100 req/s.') }))).output.message);
    expect(plain).toContain('100 req/s');
    expect(plain).toContain('docs/api.md');
  });

  it('remembers facts from earlier turns of the conversation', async () => {
    const res = await model.converse({
      messages: [
        { role: 'user', content: [{ text: 'My favourite colour is teal.' }] },
        { role: 'assistant', content: [{ text: 'Nice.' }] },
        { role: 'user', content: [{ text: 'What is my favourite colour?' }] },
      ],
    });
    expect(messageText(res.output.message)).toContain('teal');
  });

  it('says it does not know rather than inventing', async () => {
    const text = messageText((await model.converse(ask('Who won the 1962 chess olympiad?'))).output.message);
    expect(text).toMatch(/don't have information/);
  });

  it('makes Mem0-style memory decisions as strict JSON', async () => {
    const decide = async (fact: string, candidates: Array<{ id: string; text: string }>) =>
      JSON.parse(messageText((await model.converse({ system: [{ text: DECISION_SYSTEM_PROMPT }], messages: [{ role: 'user', content: [{ text: `New fact: ${fact}\nExisting facts (JSON lines):\n${candidates.map((c) => JSON.stringify(c)).join('\n')}` }] }] })).output.message));
    const doc = { id: 'c1', text: 'The internal API rate limit is 100 req/s. Auth uses OAuth.' };
    expect(await decide('The internal API rate limit was increased to 500 req/s.', [doc])).toMatchObject({ event: 'UPDATE', id: 'c1' });
    expect(await decide('The internal API rate limit is 100 req/s.', [doc])).toMatchObject({ event: 'NOOP', id: 'c1' });
    expect(await decide('Deploys happen on Thursdays.', [doc])).toMatchObject({ event: 'ADD' });
    // Leaving out a qualifier, or saying when it changed, keeps the subject.
    expect(await decide('Update: the rate limit was increased to 500 req/s last month.', [doc])).toMatchObject({ event: 'UPDATE', id: 'c1' });
    // Same attribute, another subject: a new fact, not a correction of the other one.
    const foo = { id: 'f1', text: 'The rate limit of the Foo service is 50 req/s.' };
    expect(await decide('The rate limit of the Bar service is 80 req/s.', [foo])).toMatchObject({ event: 'ADD' });
    expect(await decide('The rate limit of the Foo service is now 80 req/s.', [foo])).toMatchObject({ event: 'UPDATE', id: 'f1' });
  });

  it('is deterministic and streams in small deltas', async () => {
    const req = ask('Update: the office moved to Berlin.');
    const a = await model.converse(req);
    const b = await model.converse(req);
    expect(a.output).toEqual(b.output);
    let deltas = 0;
    const res = await collectStream(model.converseStream(req), (e) => {
      if ('contentBlockDelta' in e) deltas++;
    });
    expect(deltas).toBeGreaterThan(3);
    expect(res.output).toEqual(a.output);
    expect(res.usage.inputTokens).toBeGreaterThan(0);
  });
});
