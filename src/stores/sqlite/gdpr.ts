import { createHash, randomUUID } from 'node:crypto';
import { LoreError } from '../../errors.js';
import type { ErasureReport } from '../../backend.js';
import type { KnowledgeStore } from '../../memory/knowledge-store.js';
import type { SqliteDatabase } from './database.js';

/**
 * Right to erasure: every row that holds a user's words or names them goes — turns, sessions,
 * runs with their step rows, progress, effects and approvals, feedback, evaluations,
 * queue and DLQ messages of their runs, the trust model's votes and run context, and the learnings they wrote (content hard-deleted; a
 * learning that had superseded an older fact first gives it back, as a delete does). Documents
 * they ingested stay (they are the organisation's) but lose the user id from their provenance;
 * history lines they authored keep the event and lose the actor and detail. An audit row records
 * who asked, when and how many rows went, with the subject only as a hash.
 *
 * Deleted rows must not linger in the file either: SQLite leaves a deleted row's bytes in the
 * page's free space, in freed pages, in FTS5 segments (a 'delete' only adds a tombstone until
 * segments merge) and in the WAL until a checkpoint. So the erasure runs with `secure_delete` on
 * (freed content is zeroed), merges the FTS5 indexes it touched, and checkpoints the WAL with
 * TRUNCATE; `scrubbed` in the report says whether the checkpoint could complete (a reader in
 * another process can hold it back; the frames are then overwritten by later checkpoints).
 * secure_delete zeroes what a delete frees, but a b-tree page that once split can still hold a
 * stale copy of a row in its unused area; only rewriting the file removes those, hence `compact`
 * (VACUUM), which `lore gdpr delete --compact` asks for.
 */

export type { ErasureReport } from '../../backend.js';

export const ERASED_ACTOR = 'erased-user';

export const subjectHash = (tenantId: string, userId: string) => createHash('sha256').update(`${tenantId}\u0000${userId}`).digest('hex');

export async function eraseUserData(
  db: SqliteDatabase,
  knowledge: KnowledgeStore,
  p: { tenantId: string; userId: string; requestedBy: string; now?: number; compact?: boolean },
): Promise<ErasureReport> {
  if (!p.userId || !p.tenantId) throw new LoreError('VALIDATION_FAILED', 'tenantId and userId are required');
  const now = p.now ?? Date.now();
  const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    const report = await eraseRows(db, knowledge, { ...p, now });
    if (report.counts.chunks) db.exec(`INSERT INTO chunks_fts (chunks_fts) VALUES ('optimize')`);
    if (p.compact) compactDatabase(db);
    return { ...report, scrubbed: checkpointEmpty(db), ...(p.compact ? { compacted: true } : {}) };
  } finally {
    db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
  }
}

/** Checkpoint the WAL and truncate it, so page images from before the erasure leave the -wal file. True when it was emptied. */
function checkpointEmpty(db: SqliteDatabase): boolean {
  const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  return r === undefined || r.busy === 0;
}

/**
 * Rewrite the whole file (VACUUM). VACUUM may renumber the rowids of tables without an INTEGER
 * PRIMARY KEY; session_summaries is one and its FTS5 index maps by rowid, so it is rebuilt.
 */
function compactDatabase(db: SqliteDatabase): void {
  db.exec('VACUUM');
  db.exec(`INSERT INTO session_summaries_fts (session_summaries_fts) VALUES ('rebuild')`);
}

async function eraseRows(
  db: SqliteDatabase,
  knowledge: KnowledgeStore,
  p: { tenantId: string; userId: string; requestedBy: string; now: number },
): Promise<ErasureReport> {
  const now = p.now;
  const learningIds = (
    db.prepare(`SELECT id FROM documents WHERE tenant_id = ? AND kind = 'learning' AND json_extract(provenance, '$.userId') = ?`).all(p.tenantId, p.userId) as Array<{ id: string }>
  ).map((r) => r.id);
  const chunkText = db.prepare('SELECT text FROM chunks WHERE doc_id = ?').pluck();
  const learningTexts = new Map(learningIds.map((id) => [id, chunkText.all(id) as string[]]));
  // Through the store first: deleting an active learning restores whatever it had superseded.
  for (const id of learningIds) await knowledge.deleteDocument({ tenantId: p.tenantId, id, actor: ERASED_ACTOR, reason: 'erasure request' });

  const counts: Record<string, number> = {};
  const run = (table: string, sql: string, ...args: unknown[]) => {
    counts[table] = (counts[table] ?? 0) + db.prepare(sql).run(...args).changes;
  };
  const erasureId = `gdpr_${randomUUID()}`;
  const actor = `user:${p.userId}`;
  db.transaction(() => {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS erase_runs (run_id TEXT PRIMARY KEY)');
    db.exec('DELETE FROM temp.erase_runs');
    db.prepare('INSERT OR IGNORE INTO temp.erase_runs SELECT run_id FROM workflow_runs WHERE tenant_id = ? AND user_id = ?').run(p.tenantId, p.userId);
    db.prepare('INSERT OR IGNORE INTO temp.erase_runs SELECT run_id FROM turns WHERE tenant_id = ? AND user_id = ? AND run_id IS NOT NULL').run(p.tenantId, p.userId);
    const inRuns = 'IN (SELECT run_id FROM temp.erase_runs)';

    run('workflow_steps', `DELETE FROM workflow_steps WHERE run_id ${inRuns}`);
    run('workflow_progress', `DELETE FROM workflow_progress WHERE run_id ${inRuns}`);
    run('workflow_effects', `DELETE FROM workflow_effects WHERE run_id ${inRuns}`);
    run('workflow_approvals', `DELETE FROM workflow_approvals WHERE run_id ${inRuns} OR (tenant_id = ? AND user_id = ?)`, p.tenantId, p.userId);
    run('workflow_approvals', `UPDATE workflow_approvals SET decided_by = ? WHERE tenant_id = ? AND decided_by = ?`, ERASED_ACTOR, p.tenantId, p.userId);
    // Ratings and chat feedback, one table since migration 900.
    run('feedback', `DELETE FROM feedback WHERE (tenant_id = ? AND user_id = ?) OR run_id ${inRuns}`, p.tenantId, p.userId);
    run('evaluations', `DELETE FROM evaluations WHERE (tenant_id = ? AND user_id = ?) OR run_id ${inRuns}`, p.tenantId, p.userId);
    run('queue_messages', `DELETE FROM queue_messages WHERE json_valid(body) AND json_extract(body, '$.runId') ${inRuns}`);
    // The trust model's rows: which knowledge reached each of their prompts, and their votes.
    run('run_context', `DELETE FROM run_context WHERE run_id ${inRuns}`);
    run('learning_votes', `DELETE FROM learning_votes WHERE (tenant_id = ? AND user_id = ?) OR run_id ${inRuns}`, p.tenantId, p.userId);
    run('workflow_runs', `DELETE FROM workflow_runs WHERE run_id ${inRuns}`);
    run('turns', 'DELETE FROM turns WHERE tenant_id = ? AND user_id = ?', p.tenantId, p.userId);
    run('sessions', 'DELETE FROM sessions WHERE tenant_id = ? AND user_id = ?', p.tenantId, p.userId);
    // Long-term memory (migrations-memory.ts): session summaries, facts about the user, and which of them reached a prompt.
    run('session_summaries', 'DELETE FROM session_summaries WHERE tenant_id = ? AND user_id = ?', p.tenantId, p.userId);
    run('user_facts', 'DELETE FROM user_facts WHERE tenant_id = ? AND user_id = ?', p.tenantId, p.userId);
    run('run_memory', `DELETE FROM run_memory WHERE (tenant_id = ? AND user_id = ?) OR run_id ${inRuns}`, p.tenantId, p.userId);

    for (const id of learningIds) {
      // Other users' runs that retrieved the learning keep it in their checkpoints (the context
      // block of BuildContext, the prompt of Reason): its text is replaced there. Their answers
      // and turns stay theirs.
      for (const text of learningTexts.get(id) ?? []) {
        const inJson = JSON.stringify(text).slice(1, -1);
        const inRunsThatSawIt = 'run_id IN (SELECT run_id FROM run_context WHERE doc_id = @id)';
        run(
          'workflow_steps',
          `UPDATE workflow_steps SET input = replace(input, @text, '[erased]'), output = replace(output, @text, '[erased]')
           WHERE ${inRunsThatSawIt} AND (instr(input, @text) > 0 OR instr(output, @text) > 0)`,
          { text: inJson, id },
        );
        run('workflow_progress', `UPDATE workflow_progress SET data = replace(data, @text, '[erased]') WHERE ${inRunsThatSawIt} AND instr(data, @text) > 0`, { text: inJson, id });
      }
      run('chunk_supersessions', 'DELETE FROM chunk_supersessions WHERE by_doc_id = ? OR doc_id = ?', id, id);
      run('run_context', 'DELETE FROM run_context WHERE doc_id = ?', id);
      run('learning_votes', 'DELETE FROM learning_votes WHERE doc_id = ?', id);
      run('doc_history', 'DELETE FROM doc_history WHERE doc_id = ?', id);
      run('chunks', 'DELETE FROM chunks WHERE doc_id = ?', id);
      run('documents', 'DELETE FROM documents WHERE id = ?', id);
    }
    // Events about the user's superseded facts name the learning ids (now gone) in their detail.
    run('doc_history', `UPDATE doc_history SET actor = ?, detail = NULL WHERE tenant_id = ? AND actor = ?`, ERASED_ACTOR, p.tenantId, actor);
    run('documents', `UPDATE documents SET provenance = json_remove(provenance, '$.userId', '$.sessionId') WHERE tenant_id = ? AND json_valid(provenance) AND json_extract(provenance, '$.userId') = ?`, p.tenantId, p.userId);

    db.prepare('INSERT INTO gdpr_erasures (id, tenant_id, subject_hash, requested_by, at, counts) VALUES (?, ?, ?, ?, ?, ?)').run(
      erasureId,
      p.tenantId,
      subjectHash(p.tenantId, p.userId),
      p.requestedBy === p.userId ? 'self' : p.requestedBy,
      now,
      JSON.stringify(counts),
    );
    db.exec('DELETE FROM temp.erase_runs');
    // FTS5 keeps a deleted row's terms in its segments until they merge: rebuild, so none of their
    // words stay (the chunks' index is merged after the transaction, only when chunks went).
    if (counts.session_summaries) db.exec(`INSERT INTO session_summaries_fts (session_summaries_fts) VALUES ('rebuild')`);
  }).immediate();
  // The vector index drops deleted chunks lazily (at the next hybrid search): do it now, so no
  // embedding of the erased text stays behind either.
  await (knowledge as KnowledgeStore & { flushVectorIndex?: () => Promise<void> }).flushVectorIndex?.();
  return { erasureId, tenantId: p.tenantId, at: now, counts };
}
