import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/telemetry/prometheus-lint.js';
import { habitModel, startInteropStack, type InteropStack } from './stack.js';

/**
 * GET /metrics as Prometheus sees it: scraped from a running server after real turns (text, a
 * tool, an approval, a learning), checked by `promtool check metrics` (Debian's prometheus
 * package; scripts/install-promtool.sh, run by .ci/run), and read for what matters to
 * aggregation: latencies are histograms, and the tenant label has one value per tenant.
 */
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
if (!promtool) console.warn('promtool is not installed (run scripts/install-promtool.sh as root): the promtool check is SKIPPED');

let s: InteropStack;
let text = '';

beforeAll(async () => {
  s = await startInteropStack(habitModel(), { config: { 'server.metricsTenantLabels': true } });
  const post = (path: string, body: unknown) => fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/chat', { session_id: 'm1', message: 'hello' })).status).toBe(200);
  expect((await post('/chat', { session_id: 'm1', message: 'please refund 40' })).status).toBe(200);
  expect((await post('/chat', { session_id: 'm1', message: 'remember the deploy window' })).status).toBe(200);
  const paused = (await (await post('/chat', { session_id: 'm2', message: 'please refund 5000' })).json()) as { pending_approvals: Array<{ approval_id: string }> };
  expect((await post(`/approvals/${paused.pending_approvals[0]!.approval_id}`, { decision: 'approve' })).status).toBe(200);
  const res = await fetch(`${s.url}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  text = await res.text();
});
afterAll(() => s?.close());

describe('GET /metrics', () => {
  it.skipIf(!promtool)('passes promtool check metrics', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('reports every latency as a histogram, and the ones a turn goes through are observed', () => {
    const { types, samples } = parseExposition(text);
    // (lore_job_last_duration_seconds is a gauge: the last run's duration, not a distribution.)
    const latencies = [...types.keys()].filter((n) => n.endsWith('_duration_seconds') && !n.includes('_last_'));
    expect(latencies.sort()).toEqual(['lore_http_request_duration_seconds', 'lore_model_call_duration_seconds', 'lore_step_duration_seconds', 'lore_tool_call_duration_seconds', 'lore_turn_duration_seconds']);
    for (const n of latencies) expect(types.get(n), n).toBe('histogram');
    const count = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);
    // Every step the turns went through, including the approval's park and resume.
    for (const step of ['Dispatch', 'BuildContext', 'Reason', 'AwaitApproval', 'HandleResponse', 'UpdateKnowledge']) {
      expect(count('lore_step_duration_seconds_count', { step }), step).toBeGreaterThan(0);
    }
    expect(count('lore_tool_call_duration_seconds_count', { tool: 'issue_refund' })).toBe(2);
    expect(count('lore_turn_duration_seconds_count', { status: 'COMPLETED' })).toBe(4);
    expect(count('lore_turn_duration_seconds_count', { status: 'AWAITING_APPROVAL' })).toBe(1);
    expect(count('lore_http_request_duration_seconds_count', { method: 'POST', route: '/chat' })).toBe(4);
    expect(count('lore_model_call_duration_seconds_count', { model: 'scripted' })).toBeGreaterThanOrEqual(8);
    expect(count('lore_run_iterations_count')).toBe(4);
    expect(count('lore_learnings_total')).toBe(1);
  });

  it('labels the default tenant the same way on every series (tenant labels opted in)', () => {
    const { samples } = parseExposition(text);
    const tenants = new Set(samples.filter((x) => 'tenant' in x.labels).map((x) => x.labels.tenant));
    expect(samples.some((x) => x.name === 'lore_model_tokens_total')).toBe(true);
    expect(samples.some((x) => x.name === 'lore_interactions_total')).toBe(true);
    expect([...tenants]).toEqual(['default']);
  });
});
