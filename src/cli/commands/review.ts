import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { withRuntime, withService } from '../context.js';

export function registerReview(program: Command): void {
  const cmd = program.command('review').description('Turns flagged by the nightly evaluation for a person to review');
  cmd
    .command('list')
    .description('List flagged turns, newest first')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { limit: string; json?: boolean }, c: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      await withRuntime(c, async (rt) => {
        const flagged = await rt.backend.evaluations.listFlagged({ tenantId: rt.config.tenant, limit });
        if (opts.json) return console.log(JSON.stringify(flagged, null, 2));
        if (!flagged.length) return console.log('Nothing flagged for review.');
        for (const e of flagged) {
          console.log(`${e.runId}  quality ${e.quality?.toFixed(2) ?? 'n/a'}  judge ${e.autoScore?.toFixed(2) ?? 'unscored'}  ${new Date(e.judgedAt).toISOString()}`);
          console.log(`  why:  ${e.flagReason ?? ''}`);
          console.log(`  q:    ${e.question.slice(0, 120)}`);
          console.log(`  a:    ${e.answer.slice(0, 120)}`);
        }
      });
    });

  cmd
    .command('nightly')
    .description('Run the nightly evaluation now: re-judge low-confidence and unscored turns, flag those still low')
    .option('--hours <n>', 'look back this many hours', '24')
    .action(async (opts: { hours: string }, c: Command) => {
      const hours = Number(opts.hours);
      if (!(hours > 0)) throw new UsageError('--hours must be a positive number');
      await withService(c, async (svc) => {
        const r = await svc.evaluator.nightly({ lookbackMs: hours * 3600_000 });
        console.log(`re-checked ${r.rechecked} turn(s), flagged ${r.flagged} for review`);
      });
    });
}
