import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { habitModel, startInteropStack, type InteropStack } from './stack.js';

/**
 * Traces as a collector sees them: a real OTLP/HTTP receiver on 127.0.0.1 takes what the SDK's
 * exporter sends, and the test checks the trace joins the caller's (W3C traceparent/tracestate),
 * that every parent is exported, the GenAI span names, and the OTEL_* resource variables.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
}

const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };
const hex = (v: unknown): string => {
  if (typeof v !== 'string' || !v) return '';
  return /^[0-9a-f]+$/.test(v) && (v.length === 32 || v.length === 16) ? v : Buffer.from(v, 'base64').toString('hex');
};
type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values: AnyValue[] } };
const value = (v: AnyValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue ?? v.arrayValue?.values.map(value);
const attrs = (list: Array<{ key: string; value: AnyValue }> = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]));

let receiver: Server;
let s: InteropStack;
const spans: OtlpSpan[] = [];
const resources: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      expect(req.url).toBe('/v1/traces');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ resource: { attributes: never[] }; scopeSpans: Array<{ spans: unknown[] }> }> };
      for (const rs of body.resourceSpans) {
        resources.push(attrs(rs.resource.attributes));
        for (const ss of rs.scopeSpans) {
          for (const sp of ss.spans as Array<Record<string, any>>) {
            spans.push({
              traceId: hex(sp.traceId),
              spanId: hex(sp.spanId),
              parentSpanId: hex(sp.parentSpanId),
              traceState: sp.traceState,
              name: sp.name,
              kind: sp.kind,
              attributes: attrs(sp.attributes),
              links: ((sp.links ?? []) as Array<{ traceId: string; spanId: string }>).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId) })),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The standard variables, read by the SDK's resource detection (not by Lore's config).
  process.env.OTEL_SERVICE_NAME = 'lore-interop';
  process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment.name=ci,service.namespace=agents';
  s = await startInteropStack(habitModel(), { config: { 'telemetry.exporter': 'otlp', 'telemetry.otlpEndpoint': endpoint } });
});

afterAll(async () => {
  await s?.close();
  await new Promise((r) => receiver?.close(r));
  delete process.env.OTEL_SERVICE_NAME;
  delete process.env.OTEL_RESOURCE_ATTRIBUTES;
});

const flush = () => s.rt.tracing.provider.forceFlush();
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Every span of a trace has its parent exported, except the one span whose parent is `external`. */
function expectJoined(trace: OtlpSpan[], external?: string) {
  const ids = new Set(trace.map((x) => x.spanId));
  const dangling = trace.filter((x) => x.parentSpanId && !ids.has(x.parentSpanId));
  expect(dangling.map((x) => x.parentSpanId)).toEqual(external ? [external] : []);
}

const ancestors = (trace: OtlpSpan[], x: OtlpSpan): string[] => {
  const out: string[] = [];
  for (let p = trace.find((y) => y.spanId === x.parentSpanId); p; p = trace.find((y) => y.spanId === p!.parentSpanId)) out.push(p.name);
  return out;
};

describe('OTLP export', () => {
  it("joins the caller's trace: server span → invoke_agent → steps → chat / execute_tool", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await post('/chat', { session_id: 'otlp-1', message: 'please refund 40' }, { traceparent: `00-${traceId}-${callerSpan}-01`, tracestate: 'vendor=abc' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { trace_id: string }).trace_id).toBe(traceId);
    await flush();
    const trace = spans.filter((x) => x.traceId === traceId);
    const server = trace.find((x) => x.kind === KIND.SERVER)!;
    expect(server).toMatchObject({ name: 'POST /chat', parentSpanId: callerSpan, traceState: 'vendor=abc' });
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/chat', 'http.response.status_code': 200 });
    expectJoined(trace, callerSpan);

    const run = trace.find((x) => x.name === 'invoke_agent lore')!;
    expect(run.parentSpanId).toBe(server.spanId);
    expect(run.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'lore', 'gen_ai.conversation.id': 'otlp-1' });
    const chats = trace.filter((x) => x.name === 'chat scripted');
    expect(chats.length).toBeGreaterThanOrEqual(2);
    for (const c of chats) {
      expect(c.kind).toBe(KIND.CLIENT);
      expect(c.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'scripted' });
      expect(ancestors(trace, c)).toContain('invoke_agent lore');
    }
    const tool = trace.find((x) => x.name === 'execute_tool issue_refund')!;
    expect(tool.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'issue_refund', 'gen_ai.tool.call.id': 'tu_rf_40', 'lore.tool.status': 'success' });
    expect(ancestors(trace, tool).slice(0, 3)).toEqual(['step Reason', 'invoke_agent lore', 'POST /chat']);
  });

  it('without a traceparent the server span is a true root and its trace id is the one returned', async () => {
    const res = await post('/chat', { session_id: 'otlp-2', message: 'hello' });
    const traceId = ((await res.json()) as { trace_id: string }).trace_id;
    expect(res.headers.get('x-trace-id')).toBe(traceId);
    await flush();
    const trace = spans.filter((x) => x.traceId === traceId);
    const roots = trace.filter((x) => !x.parentSpanId);
    expect(roots.map((x) => x.name)).toEqual(['POST /chat']);
    expectJoined(trace);
  });

  it('a run resumed by a later request is a root of its own trace, linked to that request', async () => {
    const first = await post('/chat', { session_id: 'otlp-3', message: 'please refund 5000' });
    expect(first.status).toBe(202);
    const paused = (await first.json()) as { trace_id: string; pending_approvals: Array<{ approval_id: string }> };
    const decision = await post(`/approvals/${paused.pending_approvals[0]!.approval_id}`, { decision: 'approve' });
    expect(decision.status).toBe(200);
    const decisionTrace = decision.headers.get('x-trace-id')!;
    await flush();
    const resumed = spans.filter((x) => x.traceId === paused.trace_id && x.name === 'invoke_agent lore' && x.attributes['lore.run.resumed'] === true);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.parentSpanId).toBeFalsy();
    const approvalServer = spans.find((x) => x.traceId === decisionTrace && x.kind === KIND.SERVER)!;
    expect(resumed[0]!.links).toEqual([{ traceId: decisionTrace, spanId: approvalServer.spanId }]);
    expectJoined(spans.filter((x) => x.traceId === paused.trace_id));
  });

  it('does not trace health checks and scrapes', async () => {
    await fetch(`${s.url}/healthz`);
    await fetch(`${s.url}/metrics`);
    await flush();
    expect(spans.filter((x) => x.kind === KIND.SERVER && /healthz|metrics/.test(String(x.attributes['http.route'])))).toEqual([]);
  });

  it('takes service.name and resource attributes from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', async () => {
    await flush();
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect(r).toMatchObject({ 'service.name': 'lore-interop', 'deployment.environment.name': 'ci', 'service.namespace': 'agents' });
  });
});
