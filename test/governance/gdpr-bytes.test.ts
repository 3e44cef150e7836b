import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hs256Auth, startStack, userClient, type Api, type Stack } from '../http/support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/**
 * Erasure that reaches the disk: after DELETE /users/:id/data the erased words must not be left
 * in the database files (free space of pages, FTS5 segments, the WAL), not only be absent from rows.
 * A made-up surname is the needle, searched byte-wise in every file of the data directory.
 */
const NAME = 'Quokkavelle';
const OTHER = 'Brindlemoor';

function filesHolding(dir: string, needle: string): string[] {
  return readdirSync(dir).filter((f) => {
    const bytes = readFileSync(join(dir, f));
    return [needle, needle.toLowerCase()].some((n) => bytes.includes(Buffer.from(n)));
  });
}

describe('GDPR erasure reaches the database files', () => {
  let s: Stack;
  let alice: Api;
  let bob: Api;
  beforeAll(async () => {
    // A small window so sessions are summarised too (session_summaries and its FTS5 index).
    s = await startStack({ config: { ...hs256Auth, 'learning.mode': 'auto', 'memory.historyTurns': 2 } });
    alice = await userClient(s, 'alice-bytes');
    bob = await userClient(s, 'bob-bytes');
  });
  afterAll(() => s.close());

  it('secure delete + WAL checkpoint, then --compact leaves no copy in any file, and search still works', async () => {
    const learned = await alice('POST', '/chat', { session_id: 'a1', message: `Update: the cafeteria manager is now ${NAME} Smith.` });
    expect(learned.body.learnings).toHaveLength(1);
    await bob('POST', '/chat', { session_id: 'b1', message: `Update: the parking officer is now ${OTHER} Jones.` });
    for (let i = 0; i < 25; i++) {
      await alice('POST', '/chat', { session_id: `a${i % 3}`, message: `Does ${NAME} run the cafeteria? Asking for the ${i}th time.` });
      await bob('POST', '/chat', { session_id: 'b1', message: `Is ${OTHER} the parking officer? Asking for the ${i}th time.` });
    }
    expect(filesHolding(s.dataDir, NAME).length).toBeGreaterThan(0);

    const erased = await alice('DELETE', '/users/alice-bytes/data');
    expect(erased.status).toBe(200);
    expect(erased.body.scrubbed).toBe(true);
    // The WAL is empty; the rows are gone. Stale copies left by earlier page splits may remain in the main file until it is rewritten.
    expect(filesHolding(s.dataDir, NAME).filter((f) => f.endsWith('-wal'))).toEqual([]);

    const db = sqliteDb(s.rt);
    const before = db.prepare('SELECT count(*) AS n FROM session_summaries').pluck().get() as number;
    expect(before).toBeGreaterThan(0);
    const report = await s.rt.backend.eraseUser!({ tenantId: 'default', userId: 'alice-bytes', requestedBy: 'test', compact: true });
    expect(report).toMatchObject({ compacted: true, scrubbed: true });
    expect(filesHolding(s.dataDir, NAME)).toEqual([]);

    // Bob's data survived the rewrite, and what indexes it still finds it (rowids may move in a VACUUM).
    expect(filesHolding(s.dataDir, OTHER).length).toBeGreaterThan(0);
    expect(db.prepare('SELECT count(*) AS n FROM session_summaries').pluck().get()).toBe(before);
    const viaFts = db.prepare(`SELECT s.session_id FROM session_summaries_fts f JOIN session_summaries s ON s.rowid = f.rowid WHERE session_summaries_fts MATCH ?`).pluck().all(OTHER.toLowerCase());
    expect(viaFts).toEqual(['b1']);
    const answer = await bob('POST', '/chat', { session_id: 'b2', message: 'Who is the parking officer?' });
    expect(answer.body.answer).toContain(OTHER);
  });
});
