import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LoreError } from '../errors.js';
import { createOfflineProvider } from '../models/offline/index.js';
import type { ModelProvider } from '../models/provider.js';
import { defineTool, type AnyTool } from '../tools/tool.js';
import { amountPolicy, approvalIdFor, approvalReason, defaultPolicies, toolFlagPolicy } from './approvals.js';
import { choose, matchesError, readPath, RETRYABLE_MODEL_ERRORS, retryDelayMs, turnWorkflow, validateDefinition, type ChoiceState } from './definition.js';
import { classifyIntent, feedbackSentiment, validateMessage } from './intent.js';

describe('turn workflow definition', () => {
  it('is well formed: every task catches into HandleError, model errors retry, HandleError never loops', () => {
    expect(() => validateDefinition(turnWorkflow)).not.toThrow();
    for (const [name, s] of Object.entries(turnWorkflow.states)) {
      if (s.type !== 'task' || name === 'HandleError') continue;
      expect(s.catch, name).toContainEqual({ errorEquals: ['*'], next: 'HandleError' });
    }
    expect(turnWorkflow.states.HandleError).toMatchObject({ retry: [], catch: [], next: 'Failed' });
    expect(turnWorkflow.states.Reason).toMatchObject({ retry: [{ errorEquals: RETRYABLE_MODEL_ERRORS, maxAttempts: 3, backoffRate: 2 }] });
    // The retry policy and the error taxonomy agree on what is transient.
    for (const code of RETRYABLE_MODEL_ERRORS) expect(new LoreError(code, '').isRetryable).toBe(true);
  });

  it('rejects a definition that points at a missing state', () => {
    const broken = { ...turnWorkflow, states: { ...turnWorkflow.states, Reason: { ...turnWorkflow.states.Reason!, next: 'Nowhere' } } };
    expect(() => validateDefinition(broken as typeof turnWorkflow)).toThrow(/unknown state "Nowhere"/);
  });

  it('routes choices like ASL and reads dotted paths', () => {
    const hasLearnings = turnWorkflow.states.HasLearnings as ChoiceState;
    expect(choose(hasLearnings, { response: { hasLearnings: true } })).toBe('UpdateKnowledge');
    expect(choose(hasLearnings, { response: { hasLearnings: false } })).toBe('Done');
    expect(choose(turnWorkflow.states.RouteIntent as ChoiceState, { dispatch: { intent: 'feedback' } })).toBe('RecordFeedback');
    expect(choose(turnWorkflow.states.RouteIntent as ChoiceState, { dispatch: { intent: 'task' } })).toBe('BuildContext');
    expect(readPath({ a: { b: 1 } }, '$.a.b')).toBe(1);
    expect(readPath({ a: null }, '$.a.b')).toBeUndefined();
    expect(matchesError(['*'], 'ANYTHING')).toBe(true);
    expect(matchesError(['MODEL_TIMEOUT'], 'MODEL_ERROR')).toBe(false);
  });

  it('backs off exponentially, capped', () => {
    const p = { errorEquals: ['*' as const], intervalMs: 1000, maxAttempts: 5, backoffRate: 2, maxDelayMs: 5000 };
    expect([0, 1, 2, 3].map((n) => retryDelayMs(p, n))).toEqual([1000, 2000, 4000, 5000]);
  });
});

describe('approval policies', () => {
  const tool = (extra: Partial<AnyTool> = {}): AnyTool =>
    ({ ...(defineTool({ name: 'issue_refund', description: 'refund', input: z.object({ order_id: z.string(), amount: z.number() }), handler: () => null }) as unknown as AnyTool), ...extra });
  const call = (input: unknown) => ({ toolUseId: 'tu', name: 'issue_refund', input });

  it('asks a person for mutating calls whose amount is above the threshold', () => {
    const p = amountPolicy(1000);
    expect(p(call({ order_id: 'A', amount: 1500 }), tool({ mutating: true }))).toMatch(/amount 1500 is above the approval threshold of 1000/);
    expect(p(call({ order_id: 'A', amount: 1000 }), tool({ mutating: true }))).toBeNull();
    expect(p(call({ order_id: 'A', amount: 1500 }), tool())).toBeNull(); // a read changes nothing
    expect(p(call({ order_id: 'A', total_usd: '2500' }), tool({ mutating: true }))).toMatch(/total_usd 2500/);
  });

  it('honours the tool flag and its predicate on validated input', () => {
    expect(toolFlagPolicy(call({ order_id: 'A', amount: 1 }), tool({ requiresApproval: true }))).toMatch(/always requires approval/);
    const predicate = tool({ requiresApproval: ((i: { amount: number }) => i.amount > 10) as AnyTool['requiresApproval'] });
    expect(toolFlagPolicy(call({ order_id: 'A', amount: 11 }), predicate)).toMatch(/approval rule matched/);
    expect(toolFlagPolicy(call({ order_id: 'A', amount: 5 }), predicate)).toBeNull();
    expect(toolFlagPolicy(call({ amount: 'not a number' }), predicate)).toBeNull();
    expect(approvalReason(call({ order_id: 'A', amount: 5 }), tool({ mutating: true }), defaultPolicies(1000))).toBeNull();
    expect(approvalIdFor('run_1', 'tu_1')).toBe(approvalIdFor('run_1', 'tu_1'));
    expect(approvalIdFor('run_1', 'tu_1')).not.toBe(approvalIdFor('run_2', 'tu_1'));
  });
});

describe('dispatch', () => {
  const replying = (text: string): ModelProvider => ({
    ...createOfflineProvider(),
    converse: async () => ({ output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } }),
  });

  it('classifies with the offline model and tolerates chatty or unknown replies', async () => {
    const offline = createOfflineProvider();
    expect((await classifyIntent(offline, 'thumbs down, that was wrong')).intent).toBe('feedback');
    expect((await classifyIntent(offline, 'Please issue a refund of $5 for order A-1')).intent).toBe('task');
    expect((await classifyIntent(offline, 'hello')).intent).toBe('chitchat');
    expect((await classifyIntent(offline, 'What is the rate limit?')).intent).toBe('question');
    expect((await classifyIntent(replying('Feedback.'), 'x')).intent).toBe('feedback');
    expect((await classifyIntent(replying('I think this is a greeting'), 'x')).intent).toBe('question');
  });

  it('validates messages and reads feedback polarity', () => {
    expect(() => validateMessage('  ')).toThrow(LoreError);
    expect(() => validateMessage('x'.repeat(40_000))).toThrow(/limit/);
    expect(feedbackSentiment('thumbs down, wrong answer')).toBe('negative');
    expect(feedbackSentiment('great answer, thanks')).toBe('positive');
    expect(feedbackSentiment('about that answer')).toBe('neutral');
  });
});
