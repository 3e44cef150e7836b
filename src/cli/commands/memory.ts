import type { Command } from 'commander';
import { forgetEverything, forgetMemoryItem } from '../../memory/forget.js';
import { withRuntime } from '../context.js';
import { UsageError } from '../errors.js';

/**
 * `lore memory list|forget`: what Lore remembers about a user beyond their sessions — facts about
 * them and their session summaries (README "Memory").
 */
export function registerMemory(program: Command): void {
  const cmd = program.command('memory').description("A user's long-term memory: facts about them and their session summaries");
  cmd
    .command('list')
    .description('List what is remembered about a user')
    .option('--user <id>', 'the user', 'local')
    .option('--json', 'print JSON')
    .action(async (opts: { user: string; json?: boolean }, c: Command) => {
      await withRuntime(c, async (rt) => {
        const who = { tenantId: rt.config.tenant, userId: opts.user };
        const [facts, all] = await Promise.all([rt.memory.store.listFacts(who), rt.memory.store.listSummaries(who)]);
        const summaries = all.filter((s) => s.text); // an empty one is only a coverage mark
        if (opts.json) return void console.log(JSON.stringify({ facts, summaries }, null, 2));
        if (!facts.length && !summaries.length) return void console.log(`Nothing is remembered about user "${opts.user}".`);
        for (const f of facts) console.log(`${f.id}  fact     ${f.text}`);
        for (const s of summaries) console.log(`${s.sessionId}  summary  (${s.coveredTurns} turns) ${s.text.length > 100 ? `${s.text.slice(0, 97)}...` : s.text}`);
      });
    });
  cmd
    .command('forget [id]')
    .description('Forget one fact (by id) or session summary (by session id), or everything with --all')
    .option('--user <id>', 'the user', 'local')
    .option('--all', 'forget everything remembered about the user')
    .action(async (id: string | undefined, opts: { user: string; all?: boolean }, c: Command) => {
      if (!id === !opts.all) throw new UsageError('give a memory id or --all (not both)');
      await withRuntime(c, async (rt) => {
        const who = { tenantId: rt.config.tenant, userId: opts.user };
        const m = rt.memory.store;
        if (opts.all) {
          const r = await forgetEverything({ store: m, sessions: rt.sessions, summaryTtlSeconds: rt.memory.retention(who.tenantId).summarySeconds }, who);
          return void console.log(`Forgot ${r.facts} fact(s) and ${r.summaries} session summary(ies) of user "${opts.user}".`);
        }
        const done = await forgetMemoryItem(m, { ...who, id: id! });
        if (!done) throw new UsageError(`no memory item "${id}" for user "${opts.user}"`);
        console.log(`Forgot ${id}.`);
      });
    });
}
