import type { LoreConfig } from '../config.js';
import { LOCAL_USER } from '../ingress/auth.js';
import type { ScheduledJob } from '../ingress/scheduler.js';
import type { Logger } from '../telemetry/logger.js';
import type { TurnRunner } from '../workflow/types.js';
import type { ScheduleSpec } from './definition.js';

/** Scheduled job names are prefixed so they cannot collide with Lore's own jobs (session-ttl-purge…). */
export const scheduleJobName = (name: string) => `agent:${name}`;

/**
 * The config's `schedules` as scheduler jobs: each tick runs one durable turn through the same
 * runner as POST /chat, so the run is checkpointed, budgeted, evaluated and readable at
 * GET /runs/:id; its turns land in the session `schedule-<name>` of the schedule's user (default:
 * the local user, so the chat page lists it on a server without auth).
 */
export function scheduledTurnJobs(schedules: ScheduleSpec[], deps: { runner: TurnRunner; config: LoreConfig; logger?: Logger }): ScheduledJob[] {
  return schedules.map((s) => ({
    name: scheduleJobName(s.name),
    schedule: s.cron,
    run: async (signal: AbortSignal) => {
      const r = await deps.runner.start({
        tenantId: s.tenantId ?? deps.config.tenant,
        sessionId: s.sessionId ?? `schedule-${s.name}`,
        userId: s.userId ?? LOCAL_USER,
        message: s.message,
        signal,
      });
      deps.logger?.info({ job: s.name, runId: r.runId, status: r.status }, 'scheduled turn finished');
      // A failed turn counts as a failed job run (lore_job_last_success 0), not as a silent success.
      if (r.status === 'FAILED') throw new Error(`run ${r.runId} failed: ${r.error?.code ?? 'INTERNAL'}: ${r.error?.message ?? ''}`);
      return r;
    },
  }));
}
