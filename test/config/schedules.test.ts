import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteFeedbackStore } from '../../src/stores/sqlite/feedback-store.js';
import { createScheduler } from '../../src/ingress/scheduler.js';
import { startServer } from '../../src/ingress/server.js';
import { assemble } from '../../src/lib/assemble.js';
import { defineConfig } from '../../src/lib/definition.js';
import { scheduledTurnJobs } from '../../src/lib/schedules.js';
import { createAgentService } from '../../src/service.js';
import { http } from './project.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('config schedules', () => {
  it('fire a durable turn at the cron time (UTC) whose run is readable like any other', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lore-sched-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const def = defineConfig({
      dataDir,
      logLevel: 'silent',
      evaluation: { enabled: false },
      schedules: [{ name: 'morning-check', cron: '0 9 * * 1-5', message: 'What is 17*23?' }],
    });
    const agent = await assemble(def, { label: 'lore.config.ts' });
    const runner = createAgentService(agent.rt);
    cleanups.push(() => agent.close(), () => runner.close());

    // The injected clock: a Monday, 50 ms before 09:00 UTC. Real timers only ever wait ≤ 50 ms.
    let now = Date.parse('2026-03-02T08:59:59.950Z');
    const scheduler = createScheduler({ jobs: scheduledTurnJobs(agent.schedules, { runner, config: agent.config }), now: () => now });
    const { rt, config } = agent;
    const server = await startServer(
      { config, runner, sessions: rt.sessions, knowledge: rt.knowledge, feedback: new SqliteFeedbackStore(sqliteDb(rt)), scheduler },
      { host: '127.0.0.1', port: 0, drainMs: 1000, stopRuns: () => runner.engine.close() },
    );
    cleanups.push(() => server.close());

    const job = () => scheduler.status().find((j) => j.name === 'agent:morning-check')!;
    expect(job().nextRunAt).toBe(Date.parse('2026-03-02T09:00:00.000Z'));
    // Not yet due: nothing runs however often the timer fires.
    await new Promise((r) => setTimeout(r, 120));
    expect(job().runs).toBe(0);

    now = Date.parse('2026-03-02T09:00:00.000Z');
    for (let i = 0; i < 200 && job().runs === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(job()).toMatchObject({ runs: 1, lastStatus: 'ok', nextRunAt: Date.parse('2026-03-03T09:00:00.000Z') });

    // The run is in the schedule's session of the local user, like a turn typed into the chat page.
    const sessions = await http(`${server.url}/sessions`);
    expect(sessions.json.sessions.map((s: { session_id: string }) => s.session_id)).toEqual(['schedule-morning-check']);
    const session = await http(`${server.url}/sessions/schedule-morning-check`);
    const runId = session.json.turns.find((t: { role: string }) => t.role === 'assistant').run_id as string;
    const runs = await http(`${server.url}/runs`);
    expect(runs.json.runs.map((r: { run_id: string }) => r.run_id)).toEqual([runId]);
    const run = await http(`${server.url}/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.json.status).toBe('COMPLETED');
    expect(run.json.session_id).toBe('schedule-morning-check');
    expect(session.json.turns.find((t: { role: string }) => t.role === 'user').text).toBe('What is 17*23?');
    expect(JSON.stringify(run.json.result)).toContain('391');
    const health = await http(`${server.url}/healthz`);
    expect(health.json.jobs.find((j: { name: string }) => j.name === 'agent:morning-check')).toMatchObject({ last_status: 'ok', next_run_at: '2026-03-03T09:00:00.000Z' });
  });

  it('are validated when the config is loaded', async () => {
    await expect(assemble({ schedules: [{ name: 'x', cron: '0 25 * * *', message: 'hi' }] }, { label: 'lore.config.ts' })).rejects.toThrow(
      /^lore\.config\.ts: schedules\[0\]\.cron: invalid schedule "0 25 \* \* \*": /,
    );
    await expect(assemble({ schedules: [{ name: 'x', cron: '@every 5m', message: 'hi' }] }, { label: 'lore.config.ts' })).rejects.toThrow(/schedules\[0\]\.cron: expected a 5-field cron expression \(UTC\)/);
    await expect(
      assemble({ schedules: [{ name: 'x', cron: '0 1 * * *', message: 'a' }, { name: 'x', cron: '0 2 * * *', message: 'b' }] }, { label: 'lore.config.ts' }),
    ).rejects.toThrow(/schedules\[1\]\.name: "x" is used twice/);
  });
});
