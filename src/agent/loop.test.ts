import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scriptedProvider, toolUse } from '../../test/support/scripted-provider.js';
import { LoreError } from '../errors.js';
import type { ConverseRequest } from '../models/types.js';
import { calculatorTool } from '../tools/builtins/calculator.js';
import { ToolRegistry } from '../tools/registry.js';
import { defineTool, type AnyTool } from '../tools/tool.js';
import { agentLoop, runAgentLoop } from './loop.js';
import type { AgentLoopOptions } from './loop-types.js';

const identity = { sessionId: 's1', userId: 'u1', tenantId: 't1', traceId: 'tr1', runId: 'run1' };

function options(provider: AgentLoopOptions['provider'], tools: AnyTool[], extra: Partial<AgentLoopOptions> = {}): AgentLoopOptions {
  return {
    provider,
    tools: new ToolRegistry(tools),
    system: [{ text: 'test' }],
    messages: [{ role: 'user', content: [{ text: 'hi' }] }],
    identity,
    maxIterations: 5,
    turnTokenBudget: 100_000,
    toolTimeoutMs: 200,
    ...extra,
  };
}

function lastToolResult(req: ConverseRequest) {
  const block = req.messages.at(-1)!.content.find((b) => 'toolResult' in b);
  return block && 'toolResult' in block ? block.toolResult : undefined;
}

describe('agent loop', () => {
  it('sends a structured error for invalid input, and the corrected call succeeds', async () => {
    const provider = scriptedProvider([
      [toolUse('calculator', { expr: '17*23' }, 'bad')],
      (req) => {
        const r = lastToolResult(req)!;
        expect(r.status).toBe('error');
        const err = (r.content[0] as { json: { error: { code: string; expectedSchema: { properties: object }; hint: string } } }).json.error;
        expect(err.code).toBe('TOOL_INPUT_INVALID');
        expect(Object.keys(err.expectedSchema.properties)).toEqual(['expression']);
        expect(err.hint).toMatch(/expectedSchema/);
        return [toolUse('calculator', { expression: '17*23' }, 'good')];
      },
      (req) => [{ text: `It is ${JSON.stringify(lastToolResult(req)!.content[0])}` }],
    ]);
    const result = await runAgentLoop(options(provider, [calculatorTool as unknown as AnyTool]));
    expect(result.stopReason).toBe('end_turn');
    expect(result.toolCalls.map((c) => [c.toolUseId, c.status])).toEqual([
      ['bad', 'error'],
      ['good', 'success'],
    ]);
    expect(result.toolCalls[1]!.output).toEqual({ expression: '17*23', result: 391 });
    expect(result.text).toContain('391');
    expect(result.iterations).toBe(3);
  });

  it('ends a hanging tool at its timeout with a TOOL_TIMEOUT result', async () => {
    const hang = defineTool({ name: 'hang', description: 'never returns', input: z.object({}), timeoutMs: 50, handler: () => new Promise(() => {}) });
    const provider = scriptedProvider([[toolUse('hang', {}, 'h1')], (req) => [{ text: lastToolResult(req)!.status ?? '' }]]);
    const started = Date.now();
    const result = await runAgentLoop(options(provider, [hang as unknown as AnyTool]));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.toolCalls[0]).toMatchObject({ status: 'error', errorCode: 'TOOL_TIMEOUT' });
    expect(result.text).toBe('error');
  });

  it('stops a model that never stops calling tools at the iteration cap', async () => {
    const provider = scriptedProvider([() => [toolUse('calculator', { expression: '1+1' })]], { repeatLast: true });
    const result = await runAgentLoop(options(provider, [calculatorTool as unknown as AnyTool], { maxIterations: 3 }));
    expect(result.stopReason).toBe('iteration_limit');
    expect(result.error?.code).toBe('ITERATION_LIMIT');
    expect(result.iterations).toBe(3);
    expect(provider.requests).toHaveLength(3);
  });

  it('stops at the per-turn token budget', async () => {
    const provider = scriptedProvider([() => [toolUse('calculator', { expression: '2*2' })]], { repeatLast: true });
    const result = await runAgentLoop(options(provider, [calculatorTool as unknown as AnyTool], { turnTokenBudget: 150, maxIterations: 50 }));
    expect(result.stopReason).toBe('budget_exceeded');
    expect(result.error?.code).toBe('BUDGET_EXCEEDED');
    expect(result.iterations).toBe(2);
  });

  it('reports unknown tools and thrown errors back to the model', async () => {
    const boom = defineTool({ name: 'boom', description: 'throws', input: z.object({}), handler: () => { throw new Error('kaput'); } });
    const provider = scriptedProvider([[toolUse('nope', {}, 'n'), toolUse('boom', {}, 'b')], [{ text: 'ok' }]]);
    const result = await runAgentLoop(options(provider, [boom as unknown as AnyTool]));
    expect(result.toolCalls.map((c) => c.errorCode)).toEqual(['TOOL_NOT_FOUND', 'TOOL_FAILED']);
    const msg = provider.requests[1]!.messages.at(-1)!;
    expect(msg.content).toHaveLength(2);
  });

  it('runs independent tool calls in parallel', async () => {
    const slow = defineTool({ name: 'slow', description: 'waits', input: z.object({ ms: z.number() }), handler: async ({ ms }) => { await new Promise((r) => setTimeout(r, ms)); return 'done'; } });
    const provider = scriptedProvider([[toolUse('slow', { ms: 150 }), toolUse('slow', { ms: 150 }), toolUse('slow', { ms: 150 })], [{ text: 'ok' }]]);
    const started = Date.now();
    await runAgentLoop(options(provider, [slow as unknown as AnyTool], { toolTimeoutMs: 1000 }));
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('streams text deltas and returns the assembled answer', async () => {
    const provider = scriptedProvider([[{ text: 'The answer is forty two.' }]]);
    const deltas: string[] = [];
    const gen = agentLoop(options(provider, [], { stream: true }));
    let step = await gen.next();
    while (!step.done) {
      if (step.value.type === 'text_delta') deltas.push(step.value.text);
      step = await gen.next();
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('The answer is forty two.');
    expect(step.value.text).toBe('The answer is forty two.');
  });

  it('pauses on a gated call and resumes from the pending tool-use message', async () => {
    const refund = defineTool({ name: 'refund', description: 'refund', input: z.object({ amount: z.number() }), mutating: true, handler: ({ amount }) => ({ refunded: amount }) });
    const provider = scriptedProvider([[toolUse('refund', { amount: 5000 }, 'r1')], (req) => [{ text: JSON.stringify(lastToolResult(req)!.content) }]]);
    const paused = await runAgentLoop(options(provider, [refund as unknown as AnyTool], { hooks: { gateTool: () => ({ action: 'pause', reason: 'over $1,000' }) } }));
    expect(paused.stopReason).toBe('awaiting_approval');
    expect(paused.pendingApprovals).toEqual([{ toolUseId: 'r1', name: 'refund', input: { amount: 5000 }, reason: 'over $1,000' }]);
    expect(paused.newMessages).toEqual([]);
    // The workflow re-submits the unanswered tool-use message once the call is approved.
    const pendingMsg = { role: 'assistant' as const, content: [toolUse('refund', { amount: 5000 }, 'r1')] };
    const resumed = await runAgentLoop(options(provider, [refund as unknown as AnyTool], { messages: [{ role: 'user', content: [{ text: 'hi' }] }, pendingMsg] }));
    expect(resumed.toolCalls[0]).toMatchObject({ name: 'refund', status: 'success', output: { refunded: 5000 } });
    expect(resumed.text).toContain('5000');
  });

  it('turns a denied call into a TOOL_REJECTED result', async () => {
    const provider = scriptedProvider([[toolUse('calculator', { expression: '1+1' }, 'c')], (req) => [{ text: lastToolResult(req)!.status! }]]);
    const result = await runAgentLoop(options(provider, [calculatorTool as unknown as AnyTool], { hooks: { gateTool: () => ({ action: 'deny', reason: 'no' }) } }));
    expect(result.toolCalls[0]).toMatchObject({ status: 'denied', errorCode: 'TOOL_REJECTED' });
  });

  it('propagates an abort', async () => {
    const ac = new AbortController();
    ac.abort();
    const provider = scriptedProvider([[{ text: 'x' }]]);
    await expect(runAgentLoop(options(provider, [], { signal: ac.signal }))).rejects.toBeInstanceOf(LoreError);
  });

  it('lets a budget hook end the loop with BUDGET_EXCEEDED', async () => {
    const provider = scriptedProvider([[{ text: 'x' }]]);
    const result = await runAgentLoop(
      options(provider, [], { hooks: { beforeModelCall: () => { throw new LoreError('BUDGET_EXCEEDED', 'tenant budget spent'); } } }),
    );
    expect(result).toMatchObject({ stopReason: 'budget_exceeded', error: { code: 'BUDGET_EXCEEDED' }, iterations: 0 });
  });
});
