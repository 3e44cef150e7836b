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
    .option('--json', 'print JSON')
    .action(async (opts: { user: string; tenant?: string; json?: boolean }, c: Command) => {
      if (!opts.user.trim()) throw new UsageError('--user must not be empty');
      await withRuntime(c, async (rt) => {
        const tenantId = opts.tenant ?? rt.config.tenant;
        if (!rt.backend.eraseUser) throw new LoreError('CONFIG_INVALID', `the ${rt.backend.kind} store cannot erase user data`);
        const r = await rt.backend.eraseUser({ tenantId, userId: opts.user, requestedBy: `cli:${userInfo().username}` });
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else {
          const rows = Object.entries(r.counts).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ') || 'no rows';
          console.log(`Erased the data of user "${opts.user}" in tenant "${tenantId}" (${rows}). Audit record ${r.erasureId}.`);
        }
      });
    });
}
