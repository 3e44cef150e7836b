import type { Command } from 'commander';
import type { PendingApproval, RunResult } from '../../workflow/types.js';
import { withService } from '../context.js';
import { UsageError } from '../errors.js';

const STATUSES: Array<PendingApproval['status']> = ['pending', 'approved', 'rejected', 'expired'];

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function line(a: PendingApproval): string {
  const decided = a.decidedAt ? `  ${a.status} by ${a.decidedBy ?? '?'} at ${when(a.decidedAt)}${a.decisionReason ? ` (${a.decisionReason})` : ''}` : `  expires ${when(a.expiresAt)}`;
  return `${a.approvalId}  ${a.status.padEnd(8)} ${a.tool} ${JSON.stringify(a.input)}  asked by ${a.userId} at ${when(a.createdAt)} — ${a.reason}${decided}  run ${a.runId}`;
}

function printResult(r: RunResult, json: boolean | undefined): void {
  if (json) return console.log(JSON.stringify(r, null, 2));
  console.log(`run ${r.runId}: ${r.status}`);
  if (r.answer) console.log(r.answer);
  for (const p of r.pendingApprovals ?? []) console.log(`  still waiting for ${p.approvalId}: ${p.tool} — ${p.reason}`);
  if (r.error) console.log(`  (${r.error.code}: ${r.error.message})`);
}

/** `lore approvals list|approve|reject`: the human in the loop, from a terminal. */
export function registerApprovals(program: Command): void {
  const cmd = program.command('approvals').description('Review tool calls waiting for a person (approve resumes the run; reject tells the agent)');

  cmd
    .command('list')
    .description('List approvals (pending by default); overdue ones are expired on the way')
    .option('--status <status>', `${STATUSES.join(' | ')} | all`, 'pending')
    .option('--user <id>', 'only approvals requested by this user')
    .option('--json', 'print JSON')
    .action(async (opts: { status: string; user?: string; json?: boolean }, c: Command) => {
      if (opts.status !== 'all' && !STATUSES.includes(opts.status as PendingApproval['status'])) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, all`);
      await withService(c, async (svc, rt) => {
        const list = await svc.listApprovals({
          tenantId: rt.config.tenant,
          ...(opts.user ? { userId: opts.user } : {}),
          ...(opts.status !== 'all' ? { status: opts.status as PendingApproval['status'] } : {}),
        });
        if (opts.json) console.log(JSON.stringify(list, null, 2));
        else if (!list.length) console.log(opts.status === 'pending' ? 'Nothing is waiting for approval.' : 'No approvals.');
        else for (const a of list) console.log(line(a));
      });
    });

  for (const decision of ['approve', 'reject'] as const) {
    cmd
      .command(decision)
      .description(decision === 'approve' ? 'Approve a call: the run resumes and executes it once' : 'Reject a call: the agent is told and answers accordingly')
      .argument('<id>', 'approval id (apr_…)')
      .option('--reason <text>', 'why (recorded, and shown to the agent on reject)')
      .option('--actor <who>', 'who decides (recorded)', 'cli')
      .option('--json', 'print the resumed run result as JSON')
      .action(async (id: string, opts: { reason?: string; actor: string; json?: boolean }, c: Command) => {
        if (!/^apr_[0-9a-f]{8,}$/.test(id)) throw new UsageError(`"${id}" is not an approval id (apr_…); see \`lore approvals list\``);
        await withService(c, async (svc, rt) => {
          const result = await svc.decideApproval({
            tenantId: rt.config.tenant,
            approvalId: id,
            decision,
            actor: opts.actor,
            ...(opts.reason ? { reason: opts.reason } : {}),
          });
          printResult(result, opts.json);
          if (result.status === 'FAILED') process.exitCode = 1;
        });
      });
  }
}
