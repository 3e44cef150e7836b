import type { Command } from 'commander';
import type { DeadLetter } from '../../jobs/queue.js';
import { CHAT_QUEUE } from '../../jobs/queue-names.js';
import { withRuntime } from '../context.js';
import { UsageError } from '../errors.js';

function line(d: DeadLetter<unknown>): string {
  const when = new Date(d.deadAt).toISOString().replace('T', ' ').slice(0, 19);
  const body = d.rawBody !== undefined ? `undecodable body ${JSON.stringify(d.rawBody.slice(0, 200))}` : preview(JSON.stringify(d.body));
  return `${d.id}  dead ${when}  receives ${d.receiveCount}  ${body}${d.lastError ? `\n    last error: ${d.lastError}` : ''}`;
}

/** One line per message even when a body is megabytes (the JSON view has it whole). */
function preview(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
}

/** `lore dlq list|redrive`: inspect messages that failed every delivery, and send them back. */
export function registerDlq(program: Command): void {
  const cmd = program.command('dlq').description('Inspect and redrive the dead-letter queue of asynchronous turns');

  cmd
    .command('list')
    .description('Messages that failed maxReceiveCount deliveries (oldest first)')
    .option('--queue <name>', 'queue name', CHAT_QUEUE)
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(async (opts: { queue: string; limit: string; json?: boolean }, c: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      await withRuntime(c, async (rt) => {
        const dead = await rt.backend.queue({ name: opts.queue }).listDead({ limit });
        if (opts.json) console.log(JSON.stringify(dead, null, 2));
        else if (!dead.length) console.log(`The dead-letter queue of "${opts.queue}" is empty.`);
        else for (const d of dead) console.log(line(d));
      });
    });

  cmd
    .command('redrive')
    .description('Move dead letters back to the queue with a fresh receive count')
    .argument('[ids...]', 'message ids (see `lore dlq list`)')
    .option('--all', 'redrive every dead letter')
    .option('--queue <name>', 'queue name', CHAT_QUEUE)
    .action(async (ids: string[], opts: { all?: boolean; queue: string }, c: Command) => {
      if (!opts.all && ids.length === 0) throw new UsageError('give message ids, or --all');
      if (opts.all && ids.length > 0) throw new UsageError('give message ids or --all, not both');
      await withRuntime(c, async (rt) => {
        const q = rt.backend.queue({ name: opts.queue });
        const n = await q.redrive(opts.all ? {} : { ids });
        console.log(`Redrove ${n} message(s) to "${opts.queue}".`);
        if (!opts.all && n < ids.length) {
          console.error(`${ids.length - n} id(s) were not in the dead-letter queue.`);
          process.exitCode = 1;
        }
      });
    });
}
