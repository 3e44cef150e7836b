import { buildContainer, once } from '../container.js';
import { lambdaSettings } from '../env.js';
import { purgeOldRuns } from '../../jobs/run-retention.js';

/**
 * The nightly evaluation (EventBridge Scheduler, 02:00 UTC): the same Evaluator.nightly() that
 * `lore serve` runs on its cron; sweeping overdue approvals and the run retention purge ride along.
 */
const settings = lambdaSettings(process.env);
const container = once(() => buildContainer(settings));

export const handler = async () => {
  const c = await container();
  const nightly = await c.service.evaluator.nightly();
  const expired = await c.service.engine.sweepApprovals();
  const purgedRuns = await purgeOldRuns(c.rt.backend, { retentionSeconds: c.rt.config.runs.retentionSeconds });
  c.rt.logger.info({ event: 'nightly_evaluation', ...nightly, expiredApprovals: expired, purgedRuns }, 'nightly evaluation finished');
  return { ...nightly, expiredApprovals: expired, purgedRuns };
};
