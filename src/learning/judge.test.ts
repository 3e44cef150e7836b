import { describe, expect, it } from 'vitest';
import { LoreError } from '../errors.js';
import type { ModelProvider } from '../models/provider.js';
import { messageText, type ConverseRequest, type ConverseResponse } from '../models/types.js';
import { buildJudgeRequest, judgeAnswer, JUDGE_SYSTEM_PROMPT, parseJudgeScore } from './judge.js';

/** A scripted ModelProvider: replies with canned texts (or throws canned errors) in order. */
function scripted(replies: Array<string | Error>): ModelProvider & { requests: ConverseRequest[] } {
  const requests: ConverseRequest[] = [];
  return {
    specificationVersion: 'v1',
    modelId: 'scripted',
    requests,
    async converse(request): Promise<ConverseResponse> {
      requests.push(structuredClone(request));
      const next = replies.shift();
      if (next === undefined) throw new Error('script exhausted');
      if (next instanceof Error) throw next;
      return {
        output: { message: { role: 'assistant', content: next === '' ? [] : [{ text: next }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 50, outputTokens: 2, totalTokens: 52 },
      };
    },
    converseStream() {
      throw new Error('not used');
    },
  };
}

const input = { question: 'What is the rate limit of our internal API?', answer: 'It is 500 req/s.' };

describe('parseJudgeScore', () => {
  it.each([
    ['0.8', 0.8],
    ['  0.8\n', 0.8],
    ['1', 1],
    ['1.0', 1],
    ['0', 0],
    ['.75', 0.75],
    ['Score: 0.8', 0.8],
    ['**Score:** 0.65', 0.65],
    ['0.8/1', 0.8],
    ['8/10', 0.8],
    ['8 / 10', 0.8],
    ['4 out of 5', 0.8],
    ['10/10', 1],
    ['80%', 0.8],
    ['100 %', 1],
    ['0.9 - accurate and concise.', 0.9],
    ['0.7\n\nThe answer is relevant but verbose.', 0.7],
    ['Score: 0.8. Final score: 0.8', 0.8],
    ['0.80', 0.8],
  ])('%j → %s', (text, expected) => {
    expect(parseJudgeScore(text)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['excellent answer'],
    ['8'],
    ['1.5'],
    ['-0.2'],
    ['150%'],
    ['11/10'],
    ['0/0'],
    ['0.8 or maybe 0.6'],
    ['Accuracy: 0.9, Relevance: 0.7, Overall: 0.8'],
    ['0.8, but the rate limit of 500 req/s is unverified'],
  ])('%j → null', (text) => {
    expect(parseJudgeScore(text)).toBeNull();
  });
});

describe('buildJudgeRequest', () => {
  it('fences the inputs as data and asks for a bare number, deterministically', () => {
    const req = buildJudgeRequest({ ...input, context: 'The rate limit is 500 req/s.' });
    expect(req.system).toEqual([{ text: JUDGE_SYSTEM_PROMPT }]);
    expect(JUDGE_SYSTEM_PROMPT).toMatch(/impartial evaluator/);
    expect(JUDGE_SYSTEM_PROMPT).toMatch(/accuracy, relevance, helpfulness and conciseness/);
    expect(JUDGE_SYSTEM_PROMPT).toMatch(/ONLY the number/);
    const text = messageText(req.messages[0]!);
    expect(text).toContain('<question>\nWhat is the rate limit of our internal API?\n</question>');
    expect(text).toContain('<answer>\nIt is 500 req/s.\n</answer>');
    expect(text).toContain('<context>\nThe rate limit is 500 req/s.\n</context>');
    expect(req.inferenceConfig).toEqual({ temperature: 0, maxTokens: 32 });
    expect(messageText(buildJudgeRequest(input).messages[0]!)).not.toContain('<context>');
  });
});

describe('judgeAnswer', () => {
  it('returns the parsed score on a clean reply', async () => {
    const p = scripted(['0.9']);
    expect(await judgeAnswer(p, input)).toEqual({ score: 0.9, reason: 'ok', attempts: 1, raw: '0.9' });
    expect(p.requests).toHaveLength(1);
  });

  it('retries once with a corrective message after an unusable reply', async () => {
    const p = scripted(['The answer is good.', 'Score: 7/10']);
    expect(await judgeAnswer(p, input)).toEqual({ score: 0.7, reason: 'ok', attempts: 2, raw: 'Score: 7/10' });
    const retry = p.requests[1]!.messages;
    expect(retry.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messageText(retry[1]!)).toBe('The answer is good.');
    expect(messageText(retry[2]!)).toMatch(/ONLY one number/);
  });

  it('gives up as unparseable after two bad replies, without throwing', async () => {
    const p = scripted(['great', '']);
    expect(await judgeAnswer(p, input)).toEqual({ score: null, reason: 'unparseable', attempts: 2, raw: '' });
    // An empty reply is echoed as a placeholder: providers reject empty text blocks.
    expect(p.requests).toHaveLength(2);
  });

  it('treats an out-of-range reply as unparseable', async () => {
    expect(await judgeAnswer(scripted(['9', '12/10']), input)).toMatchObject({ score: null, reason: 'unparseable', raw: '12/10' });
  });

  it('returns model errors instead of throwing them', async () => {
    const r = await judgeAnswer(scripted([new LoreError('MODEL_THROTTLED', 'Too many requests')]), input);
    expect(r).toEqual({ score: null, reason: 'model_error', attempts: 1, error: 'MODEL_THROTTLED: Too many requests' });
    const r2 = await judgeAnswer(scripted(['nope', new Error('socket hang up')]), input);
    expect(r2).toEqual({ score: null, reason: 'model_error', attempts: 2, error: 'MODEL_ERROR: socket hang up' });
  });

  it('throws ABORTED when the caller cancels', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(judgeAnswer(scripted(['0.5']), input, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    const ac2 = new AbortController();
    const p = scripted(['0.5']);
    p.converse = async () => {
      ac2.abort();
      throw new Error('aborted by signal');
    };
    await expect(judgeAnswer(p, input, { signal: ac2.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('judgeAnswer with a provider-side timeout', () => {
  it('reports an internal ABORTED (no caller cancel) as a model error', async () => {
    const r = await judgeAnswer(scripted([new LoreError('ABORTED', 'request timed out')]), input, { signal: new AbortController().signal });
    expect(r).toEqual({ score: null, reason: 'model_error', attempts: 1, error: 'ABORTED: request timed out' });
  });
});
