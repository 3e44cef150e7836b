import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { newId } from '../../util/ids.js';
import { withService } from '../context.js';

export function registerChat(program: Command): void {
  program
    .command('chat')
    .description('Chat interactively; answers stream as they are generated (Ctrl-D or /exit to quit)')
    // No default here: a function as the third argument is commander's value parser, not a default
    // (it replaced every --session the user gave with a fresh id). A new session id is minted below.
    .option('-s, --session <id>', 'session id (default: a new session)')
    .option('-u, --user <id>', 'user id', 'local')
    .action(async (opts: { session?: string; user: string }, cmd: Command) => {
      const sessionId = opts.session ?? newId('sess');
      await withService(cmd, async (svc, rt) => {
        const tty = !!process.stdin.isTTY;
        const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
        console.log(`Lore chat — model ${rt.provider.modelId}, session ${sessionId}. /exit to quit.`);
        const abort = new AbortController();
        rl.on('SIGINT', () => abort.abort());
        const prompt = () => tty && process.stdout.write('you> ');
        try {
          prompt();
          // The line iterator queues every line readline emits, so piped or fast-typed input is
          // answered line by line, in order, and the loop ends after the last one (EOF).
          // rl.question() instead drops lines that arrive while a turn is running.
          for await (const line of rl) {
            const message = line.trim();
            if (!message) {
              prompt();
              continue;
            }
            if (message === '/exit' || message === '/quit') break;
            if (!tty) console.log(`you> ${message}`);
            process.stdout.write('lore> ');
            let streamed = false;
            const result = await svc.start({
              tenantId: rt.config.tenant,
              sessionId,
              userId: opts.user,
              message,
              stream: true,
              signal: abort.signal,
              onEvent: (e) => {
                if (e.type === 'text_delta') {
                  streamed = true;
                  process.stdout.write(e.text);
                }
              },
            });
            // Paths that do not call the model for an answer (e.g. feedback) have nothing streamed.
            process.stdout.write(streamed ? '\n' : `${result.answer}\n`);
            for (const o of result.learnings) console.log(`  (learned, ${o.event}: ${o.fact})`);
            for (const p of result.pendingApprovals ?? []) console.log(`  (waiting for approval ${p.approvalId}: ${p.tool} — ${p.reason})`);
            if (result.error) console.log(`  (${result.error.code}: ${result.error.message})`);
            prompt();
          }
        } finally {
          rl.close();
        }
      }, { interactive: true });
    });
}
