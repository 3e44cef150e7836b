import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RunResult } from '../workflow/types.js';
import { AguiMapper } from './agui.js';

const result = (over: Partial<RunResult> = {}): RunResult => ({
  runId: 'r1', traceId: 't', sessionId: 's', status: 'COMPLETED', answer: 'Hi.', learnings: [], toolCalls: [],
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, iterations: 1, ...over,
});

describe('AguiMapper', () => {
  it('holds back a [LEARNING] line split across deltas and never emits it', () => {
    const m = new AguiMapper('s', 'r1');
    const events = [
      ...m.map({ type: 'run_started', runId: 'r1', traceId: 't', sessionId: 's' }),
      ...['Noted.\n[LEAR', 'NING]: the limit', ' is 500 req/s\nAnything else?'].flatMap((text) => m.map({ type: 'text_delta', text })),
      ...m.finish(result({ answer: 'Noted.\nAnything else?' })),
    ];
    const text = events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => (e as { delta: string }).delta).join('');
    expect(text).toBe('Noted.\nAnything else?');
    expect(JSON.stringify(events)).not.toMatch(/learning\]/i);
    expect(events.map((e) => e.type)).toEqual(['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED']);
  });

  it('sends exactly one terminal event, even when the engine reports both', () => {
    const m = new AguiMapper('s', 'r1');
    const failed = result({ status: 'FAILED', answer: '', error: { code: 'MODEL_TIMEOUT', message: 'slow' } });
    const events = [
      ...m.map({ type: 'run_error', runId: 'r1', error: failed.error! }),
      ...m.map({ type: 'run_finished', result: failed }),
      ...m.finish(failed),
    ];
    expect(events.map((e) => e.type)).toEqual(['RUN_STARTED', 'RUN_ERROR']);
    expect(events[1]).toMatchObject({ code: 'MODEL_TIMEOUT', message: 'slow' });
  });

  it("types RUN_FINISHED's result as the chat answer, not AG-UI's `any`", () => {
    const events = new AguiMapper('s', 'r1').finish(result({ answer: 'All done.' }));
    const finished = events.find((e) => e.type === 'RUN_FINISHED');
    if (finished?.type !== 'RUN_FINISHED') throw new Error('no RUN_FINISHED');
    // A consumer's `e.result.answer` is checked by the compiler (tsc runs over this file).
    expectTypeOf(finished.result).not.toBeAny();
    expectTypeOf(finished.result!.answer).toEqualTypeOf<string>();
    expectTypeOf(finished.result!.status).not.toBeAny();
    expect(finished.result).toMatchObject({ answer: 'All done.', run_id: 'r1', session_id: 's', status: 'COMPLETED' });
  });

  it('sends a non-streamed answer whole before RUN_FINISHED', () => {
    const m = new AguiMapper('s', 'r1');
    const events = m.finish(result({ answer: 'All done.' }));
    expect(events.map((e) => e.type)).toEqual(['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED']);
  });
});
