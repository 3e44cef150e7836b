import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { newId } from '../../util/ids.js';
import { withService } from '../context.js';

export function registerChat(program: Command): void {
  program
    .command('chat')
    .description('Chat interactively; answers stream as they are generated (Ctrl-D or /exit to quit)')
    .option('-s, --session <id>', 'session id', () => newId('sess'))
    .option('-u, --user <id>', 'user id', 'local')
    .action(async (opts: { session?: string; user: string }, cmd: Command) => {
      const sessionId = opts.session ?? newId('sess');
      await withService(cmd, async (svc, rt) => {
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
          }
        } finally {
          rl.close();
        }
      });
    });
}
