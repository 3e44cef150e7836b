import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { withRuntime } from '../context.js';
import { LoreError } from '../../errors.js';
import { UsageError } from '../errors.js';

/** `lore gdpr delete --user <id>`: erase a user's data (see stores/sqlite/gdpr.ts). */
export function registerGdpr(program: Command): void {
  const cmd = program.command('gdpr').description('Data-protection requests');
  cmd
    .command('delete')
    .description("Erase a user's turns, sessions, runs, feedback and learnings; an audit row records that it happened")
    .requiredOption('--user <id>', 'the user whose data is erased')
    .option('--tenant <id>', 'tenant (default: the configured one)')
    .option('--compact', 'SQLite: then rewrite the database file (VACUUM) so no stale page copy keeps the erased bytes; slow on a big file, blocks writers meanwhile')
    .option('--json', 'print JSON')
    .action(async (opts: { user: string; tenant?: string; compact?: boolean; json?: boolean }, c: Command) => {
      if (!opts.user.trim()) throw new UsageError('--user must not be empty');
      await withRuntime(c, async (rt) => {
        const tenantId = opts.tenant ?? rt.config.tenant;
        if (!rt.backend.eraseUser) throw new LoreError('CONFIG_INVALID', `the ${rt.backend.kind} store cannot erase user data`);
        const r = await rt.backend.eraseUser({ tenantId, userId: opts.user, requestedBy: `cli:${userInfo().username}`, compact: opts.compact === true });
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else {
          const rows = Object.entries(r.counts).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ') || 'no rows';
          console.log(`Erased the data of user "${opts.user}" in tenant "${tenantId}" (${rows}). Audit record ${r.erasureId}.`);
          if (r.compacted) console.log('The database file was rewritten: no copy of the erased rows remains on disk.');
          else if (r.scrubbed === false) console.log('Another process holds the write-ahead log: erased pages leave it at its next checkpoint. Run again with --compact when the server is idle to rewrite the file.');
          else if (r.scrubbed) console.log('Erased rows were zeroed on disk; stale page copies left by earlier page splits go with --compact (VACUUM).');
        }
      });
    });
}
