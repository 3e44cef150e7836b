import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { runTurn } from '../../agent/run-turn.js';
import { newId } from '../../util/ids.js';
import { withRuntime } from '../context.js';

export function registerChat(program: Command): void {
  program
    .command('chat')
    .description('Chat interactively; answers stream as they are generated (Ctrl-D or /exit to quit)')
    .option('-s, --session <id>', 'session id', () => newId('sess'))
    .option('-u, --user <id>', 'user id', 'local')
    .action(async (opts: { session?: string; user: string }, cmd: Command) => {
      const sessionId = opts.session ?? newId('sess');
      await withRuntime(cmd, async (rt) => {
        const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
        console.log(`Lore chat — model ${rt.provider.modelId}, session ${sessionId}. /exit to quit.`);
        const abort = new AbortController();
        rl.on('SIGINT', () => abort.abort());
        try {
          for (;;) {
            let line: string;
            try {
              line = await rl.question('you> ');
            } catch {
              break; // stdin closed
            }
            const message = line.trim();
            if (!message) continue;
            if (message === '/exit' || message === '/quit') break;
            process.stdout.write('lore> ');
            const result = await runTurn(
              rt.turnDeps,
              { runId: newId('run'), traceId: newId('trace'), tenantId: rt.config.tenant, sessionId, userId: opts.user, message },
              { stream: true, signal: abort.signal, onText: (t) => process.stdout.write(t) },
            );
            process.stdout.write('\n');
            for (const o of result.outcomes) console.log(`  (learned, ${o.event}: ${o.fact})`);
          }
        } finally {
          rl.close();
        }
      });
    });
}
