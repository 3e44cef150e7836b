import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAgent } from '../index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createAgent with schedules', () => {
  it('runs the definition\'s schedules while open, as durable turns, and stops them on close', async () => {
    // The clock is faked so a minute passes at once; only timers and Date, the database is real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.UTC(2026, 0, 5, 8, 0, 30) });
    const agent = await createAgent({
      dbPath: ':memory:',
      logLevel: 'silent',
      evaluate: false,
      schedules: [{ name: 'tick', cron: '* * * * *', message: 'What is 6*7?', userId: 'ops' }],
    });
    try {
      expect(agent.schedules().map((s) => [s.name, s.nextRunAt])).toEqual([['agent:tick', Date.UTC(2026, 0, 5, 8, 1, 0)]]);
      await vi.advanceTimersByTimeAsync(30_000);
      await vi.waitFor(() => expect(agent.schedules()[0]!.runs).toBe(1), { interval: 1 });
      const runs = await agent.service.runs.listRuns({ tenantId: 'default', userId: 'ops', sessionId: 'schedule-tick', limit: 10 });
      expect(runs.map((r) => [r.status, r.result?.answer])).toEqual([['COMPLETED', '6*7 = 42']]);
    } finally {
      await agent.close();
    }
    // Stopped: more minutes pass, no more runs.
    await vi.advanceTimersByTimeAsync(180_000);
    expect(agent.schedules()[0]!.runs).toBe(1);
  });

  it('leaves them to another process with runSchedules: false', async () => {
    const agent = await createAgent({ dbPath: ':memory:', logLevel: 'silent', evaluate: false, runSchedules: false, schedules: [{ name: 'tick', cron: '* * * * *', message: 'hi' }] });
    expect(agent.schedules()).toEqual([]);
    await agent.close();
  });
});
