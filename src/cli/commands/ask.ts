import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { withService } from '../context.js';

export function registerAsk(program: Command): void {
  program
    .command('ask')
    .description('Ask one question and print the answer')
    .argument('<question>', 'the question or message')
    .option('-s, --session <id>', 'session id (episodic memory is per session)', 'cli')
    .option('-u, --user <id>', 'user id', 'local')
    .option('--json', 'print the full result: answer, tool-call log, usage, learnings')
    .action(async (question: string, opts: { session: string; user: string; json?: boolean }, cmd: Command) => {
      if (!question.trim()) throw new UsageError('the question is empty');
      await withService(cmd, async (svc, rt) => {
        const result = await svc.start({ tenantId: rt.config.tenant, sessionId: opts.session, userId: opts.user, message: question });
        if (opts.json) {
          console.log(JSON.stringify({ model: rt.provider.modelId, ...result }, null, 2));
        } else {
          console.log(result.answer);
          for (const o of result.learnings) console.error(`  learned (${o.event}${o.state ? `, ${o.state}` : ""}): ${o.fact}`);
          for (const p of result.pendingApprovals ?? []) {
            console.error(`  waiting for approval ${p.approvalId}: ${p.tool} ${JSON.stringify(p.input)} (${p.reason}) — lore approvals approve|reject ${p.approvalId}`);
          }
        }
        if (result.status === 'FAILED' || result.error) {
          // The answer is the apology an end user gets; whoever runs the CLI is the operator and
          // needs the reason (a model that is not pulled, a wrong key) without digging in the logs.
          if (!opts.json && result.error) console.error(`lore: the turn failed: ${result.error.code}: ${result.error.message}`);
          process.exitCode = 1;
        }
      }, { interactive: true });
    });
}
