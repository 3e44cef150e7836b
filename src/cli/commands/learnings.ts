import type { Command } from 'commander';
import type { DocStatus, KnowledgeDoc } from '../../memory/knowledge-store.js';
import { UsageError } from '../errors.js';
import { withRuntime } from '../context.js';

const STATUSES: DocStatus[] = ['active', 'pending', 'superseded', 'deleted', 'rejected'];

function line(d: KnowledgeDoc): string {
  const when = new Date(d.createdAt).toISOString().replace('T', ' ').slice(0, 19);
  const by = d.supersededBy ? `  → superseded by ${d.supersededBy}` : '';
  const owner = d.ownerId ? `  (by ${d.ownerId}${d.trust < 1 ? `, trust ${d.trust.toFixed(2)}` : ''})` : '';
  return `${d.id}  ${d.status.padEnd(10)} ${when}  ${d.text}${by}${owner}`;
}

export function registerLearnings(program: Command): void {
  const cmd = program.command('learnings').description('Inspect and roll back what the agent has learned');

  cmd
    .command('list')
    .description('List learnings (newest first)')
    .option('--status <status>', `filter: ${STATUSES.join(' | ')}`)
    .option('--text <text>', 'only learnings containing this text')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; text?: string; limit: string; json?: boolean }, c: Command) => {
      if (opts.status && !STATUSES.includes(opts.status as DocStatus)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      await withRuntime(c, async (rt) => {
        const docs = await rt.knowledge.listDocuments({
          tenantId: rt.config.tenant,
          kind: 'learning',
          limit,
          ...(opts.status ? { status: opts.status as DocStatus } : {}),
          ...(opts.text ? { text: opts.text } : {}),
        });
        if (opts.json) console.log(JSON.stringify(docs, null, 2));
        else if (!docs.length) console.log('No learnings yet.');
        else for (const d of docs) console.log(line(d));
      });
    });

  cmd
    .command('show')
    .description('Show one learning with its provenance')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, c: Command) => {
      await withRuntime(c, async (rt) => {
        const d = await rt.knowledge.getDocument({ tenantId: rt.config.tenant, id });
        if (!d) throw new UsageError(`no learning with id ${id}`);
        if (opts.json) return console.log(JSON.stringify(d, null, 2));
        console.log(line(d));
        console.log(`  source:     ${d.sourceUri}`);
        console.log(`  provenance: ${JSON.stringify(d.provenance)}`);
      });
    });

  cmd
    .command('history')
    .description('Every change to a learning: who, when, what')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, c: Command) => {
      await withRuntime(c, async (rt) => {
        const events = await rt.knowledge.history({ tenantId: rt.config.tenant, id });
        if (opts.json) return console.log(JSON.stringify(events, null, 2));
        for (const e of events) {
          console.log(`${new Date(e.at).toISOString()}  ${e.action.padEnd(16)} by ${e.actor}${e.detail ? `  ${JSON.stringify(e.detail)}` : ''}`);
        }
      });
    });

  // Whoever runs the CLI has the database file: they are the curator.
  const review = cmd.command('review').description("The curator's queue: learnings waiting before they are shared");
  review
    .command('list', { isDefault: true })
    .description('Pending learnings, oldest first, with why each is held')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, c: Command) => {
      await withRuntime(c, async (rt) => {
        const docs = (await rt.knowledge.listDocuments({ tenantId: rt.config.tenant, kind: 'learning', status: 'pending', limit: 500 })).reverse();
        if (opts.json) return console.log(JSON.stringify(docs, null, 2));
        if (!docs.length) console.log('Nothing waits for review.');
        for (const d of docs) {
          const events = await rt.knowledge.history({ tenantId: rt.config.tenant, id: d.id });
          const why = [...events].reverse().find((e) => e.action === 'submitted' || e.action === 'returned_to_review');
          console.log(line(d));
          if (why?.detail?.reason) console.log(`  held: ${String(why.detail.reason)}`);
        }
        // Shared learnings the model kept beside a fact they disagree with (history 'conflict'):
        // both are served, labelled newest first; a curator settles it by deleting one.
        const recent = await rt.knowledge.listDocuments({ tenantId: rt.config.tenant, kind: 'learning', status: 'active', limit: 200 });
        let header = false;
        for (const d of recent) {
          const conflicts = (await rt.knowledge.history({ tenantId: rt.config.tenant, id: d.id })).filter((e) => e.action === 'conflict' && e.detail?.role === 'newer');
          if (!conflicts.length) continue;
          if (!header) console.log('\nConflicts (both kept; answers see the newer first):');
          header = true;
          console.log(line(d));
          for (const e of conflicts) console.log(`  disagrees with: ${String(e.detail?.with)}`);
        }
      });
    });
  for (const decision of ['approve', 'reject'] as const) {
    review
      .command(decision)
      .description(decision === 'approve' ? 'Share a pending learning with everyone in the tenant' : 'Refuse a pending learning (nobody sees it; the reason is kept)')
      .argument('<id>')
      .option('--reason <text>', 'why (recorded in the history)')
      .option('--actor <who>', 'who decides', 'cli')
      .action(async (id: string, opts: { reason?: string; actor: string }, c: Command) => {
        await withRuntime(c, async (rt) => {
          const d = await rt.knowledge.review({ tenantId: rt.config.tenant, id, decision, actor: opts.actor, ...(opts.reason ? { reason: opts.reason } : {}) });
          console.log(line(d));
        });
      });
  }

  for (const action of ['delete', 'restore'] as const) {
    cmd
      .command(action)
      .description(action === 'delete' ? 'Delete a learning: it never reaches a prompt again (reversible)' : 'Bring a deleted learning back')
      .argument('<id>')
      .option('--reason <text>', 'why (recorded in the history)')
      .option('--actor <who>', 'who is doing this', 'cli')
      .action(async (id: string, opts: { reason?: string; actor: string }, c: Command) => {
        await withRuntime(c, async (rt) => {
          const p = { tenantId: rt.config.tenant, id, actor: opts.actor };
          const d = action === 'delete' ? await rt.knowledge.deleteDocument({ ...p, ...(opts.reason ? { reason: opts.reason } : {}) }) : await rt.knowledge.restoreDocument(p);
          console.log(line(d));
        });
      });
  }
}
