import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoreMetrics } from '../telemetry/metrics.js';
import { ingressMetrics } from './metrics.js';
import { createScheduler } from './scheduler.js';

afterEach(() => vi.useRealTimers());

describe('createScheduler', () => {
  it('fires jobs on schedule, records status and exposes the last run in /metrics', async () => {
    vi.useFakeTimers({ now: Date.parse('2025-01-01T01:59:00Z') });
    const metrics = new LoreMetrics();
    const calls: string[] = [];
    const s = createScheduler({
      jobs: [
        { name: 'nightly-eval', schedule: '0 2 * * *', run: () => void calls.push('eval') },
        { name: 'ttl-purge', schedule: '@every 30s', run: () => { calls.push('purge'); throw new Error('disk on fire'); } },
      ],
      metrics: ingressMetrics(metrics),
    });
    s.start();
    await vi.advanceTimersByTimeAsync(61_000);
    expect(calls.filter((c) => c === 'eval')).toHaveLength(1);
    expect(calls.filter((c) => c === 'purge')).toHaveLength(2);
    const [evalJob, purge] = s.status();
    expect(evalJob).toMatchObject({ lastStatus: 'ok', runs: 1, lastRunAt: Date.parse('2025-01-01T02:00:00Z'), nextRunAt: Date.parse('2025-01-02T02:00:00Z') });
    expect(purge).toMatchObject({ lastStatus: 'error', lastError: 'disk on fire', failures: 2 });
    const text = await metrics.renderPrometheus();
    expect(text).toMatch(/lore_job_last_run_timestamp_seconds\{job="nightly-eval"\} 1735696800/);
    expect(text).toMatch(/lore_job_last_success\{job="ttl-purge"\} 0/);
    await s.stop();
  });

  it('never overlaps a job with itself', async () => {
    vi.useFakeTimers({ now: 0 });
    let running = 0;
    let maxRunning = 0;
    const s = createScheduler({
      jobs: [{ name: 'slow', schedule: '@every 1s', run: async () => { running++; maxRunning = Math.max(maxRunning, running); await new Promise((r) => setTimeout(r, 3500)); running--; } }],
    });
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(maxRunning).toBe(1);
    expect(s.status()[0]!.skipped).toBeGreaterThan(0);
    const stopped = s.stop({ waitMs: 5000 });
    await vi.advanceTimersByTimeAsync(5000);
    await stopped;
  });

  it('rejects a bad schedule at construction', () => {
    expect(() => createScheduler({ jobs: [{ name: 'x', schedule: '61 * * * *', run: () => {} }] })).toThrow(/invalid schedule/);
  });
});
