import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hs256Auth, startStack, userClient, type Api, type Stack } from './support.js';

interface SpanBody {
  span_id: string;
  parent_span_id?: string;
  name: string;
  duration_ms?: number;
  attributes: Record<string, unknown>;
  status: { code: string };
}

/** GET /runs/:id/trace: the run's span tree from the in-memory store, scoped like the run itself. */
describe('GET /runs/:id/trace', () => {
  let s: Stack;
  let alice: Api;
  let bob: Api;
  beforeAll(async () => {
    s = await startStack({ config: hs256Auth });
    [alice, bob] = await Promise.all([userClient(s, 'alice'), userClient(s, 'bob')]);
  });
  afterAll(() => s.close());

  it('returns run → steps → model and tool calls, one tree, with token counts', async () => {
    const turn = await alice('POST', '/chat', { session_id: 'trace-1', message: 'What is 17*23?' });
    expect(turn.status).toBe(200);
    const r = await alice('GET', `/runs/${turn.body.run_id}/trace`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ run_id: turn.body.run_id, trace_id: turn.body.trace_id });
    const spans = r.body.spans as SpanBody[];

    const roots = spans.filter((x) => x.name === 'invoke_agent lore');
    expect(roots).toHaveLength(1);
    expect(roots[0]!.attributes['lore.run.id']).toBe(turn.body.run_id);
    // One tree: every other span's parent is in the response.
    const ids = new Set(spans.map((x) => x.span_id));
    for (const x of spans) if (x !== roots[0]) expect(ids.has(x.parent_span_id!)).toBe(true);

    const steps = spans.filter((x) => x.parent_span_id === roots[0]!.span_id).map((x) => x.name);
    expect(steps).toEqual(['step Dispatch', 'step BuildContext', 'step Reason', 'step HandleResponse']);
    const modelCalls = spans.filter((x) => x.attributes['gen_ai.operation.name'] === 'chat');
    expect(modelCalls.length).toBeGreaterThanOrEqual(2); // intent + at least one ReAct iteration
    for (const x of modelCalls) {
      expect(x.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(x.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    }
    // The intent call and the ReAct loop's calls add up to the usage the turn reported.
    const sum = (k: string) => modelCalls.reduce((n, x) => n + Number(x.attributes[k]), 0);
    expect({ input: sum('gen_ai.usage.input_tokens'), output: sum('gen_ai.usage.output_tokens') }).toEqual({ input: turn.body.usage.input_tokens, output: turn.body.usage.output_tokens });
    const tool = spans.find((x) => x.attributes['gen_ai.tool.name'] === 'calculator');
    expect(tool).toMatchObject({ status: { code: expect.not.stringMatching('error') } });
    expect(tool!.attributes['lore.tool.status']).toBe('success');
    for (const x of spans) expect(x.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it("answers 404 for another user's run, and for an unknown one", async () => {
    const turn = await alice('POST', '/chat', { session_id: 'trace-2', message: 'hello there' });
    for (const r of [await bob('GET', `/runs/${turn.body.run_id}/trace`), await alice('GET', '/runs/run_nope/trace')]) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('keeps only the run subtree when runs share a trace id', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const a = await alice('POST', '/chat', { session_id: 'trace-3', message: 'hello there' }, { traceparent });
    const b = await alice('POST', '/chat', { session_id: 'trace-3', message: 'What is 2+2?' }, { traceparent });
    expect(a.body.trace_id).toBe(b.body.trace_id);
    const spansA = (await alice('GET', `/runs/${a.body.run_id}/trace`)).body.spans as SpanBody[];
    const runIds = new Set(spansA.filter((x) => x.name === 'invoke_agent lore').map((x) => x.attributes['lore.run.id']));
    expect(runIds).toEqual(new Set([a.body.run_id]));
    expect(spansA.some((x) => x.attributes['gen_ai.tool.name'] === 'calculator')).toBe(false);
  });
});
