import type { Command } from 'commander';
import { runTurn } from '../../agent/run-turn.js';
import { newId } from '../../util/ids.js';
import { UsageError } from '../errors.js';
import { withRuntime } from '../context.js';

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
      await withRuntime(cmd, async (rt) => {
        const runId = newId('run');
        const result = await runTurn(rt.turnDeps, {
          runId,
          traceId: newId('trace'),
          tenantId: rt.config.tenant,
          sessionId: opts.session,
          userId: opts.user,
          message: question,
        });
        if (opts.json) {
          console.log(JSON.stringify({ run_id: runId, session_id: opts.session, model: rt.provider.modelId, ...result }, null, 2));
        } else {
          console.log(result.answer);
          for (const o of result.outcomes) console.error(`  learned (${o.event}): ${o.fact}`);
        }
        if (result.error) process.exitCode = 1;
      });
    });
}
