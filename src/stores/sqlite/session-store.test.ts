import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from './database.js';
import { LIST_SESSIONS, SqliteSessionStore } from './session-store.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lore-sessions-'));
  dirs.push(dir);
  return join(dir, 'nested', 'lore.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// The SessionStore contract runs over every backend in test/contracts/; these are SQLite specifics.

describe('SqliteSessionStore specifics', () => {
  it('uses the injected clock for createdAt, expiry and reads', async () => {
    let now = 1_000_000;
    const db = openDatabase(tempDb());
    const store = new SqliteSessionStore(db, { ttlSeconds: 10, now: () => now });
    const [t] = await store.appendTurns({ turns: [{ tenantId: 't', sessionId: 's', userId: 'u', role: 'user', content: [{ text: 'x' }], inputTokens: 0, outputTokens: 0 }] });
    expect(t).toMatchObject({ createdAt: 1_000_000, expiresAt: 1_010_000 });
    now = 1_009_999;
    expect(await store.recentTurns({ tenantId: 't', sessionId: 's', limit: 5 })).toHaveLength(1);
    now = 1_010_000;
    expect(await store.recentTurns({ tenantId: 't', sessionId: 's', limit: 5 })).toHaveLength(0);
    expect(await store.purgeExpired()).toBe(1);
    db.close();
  });

  it('hands an expired session id to its next user', async () => {
    const db = openDatabase(tempDb());
    const store = new SqliteSessionStore(db, { ttlSeconds: 10 });
    const base = { tenantId: 't', sessionId: 's', role: 'user' as const, content: [], inputTokens: 0, outputTokens: 0 };
    await store.appendTurns({ turns: [{ ...base, userId: 'alice', createdAt: 0 }] });
    await store.appendTurns({ turns: [{ ...base, userId: 'bob', createdAt: 20_000 }] });
    expect(await store.getSession({ tenantId: 't', sessionId: 's', now: 20_000 })).toMatchObject({ userId: 'bob', turnCount: 1 });
    db.close();
  });

  it('reads the last N via the session index', () => {
    const db = openDatabase(tempDb());
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM turns WHERE tenant_id = 't' AND session_id = 's' AND expires_at > 0
        ORDER BY created_at DESC, rowid DESC LIMIT 10`)
      .all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX turns_session/);
    expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
    db.close();
  });

  it("lists a user's sessions from that user's sessions, not from every turn of the tenant", async () => {
    const db = openDatabase(tempDb());
    const store = new SqliteSessionStore(db, { ttlSeconds: 60 });
    // Many turns of other users: a plan that starts from turns would walk all of them.
    const base = { tenantId: 't', role: 'user' as const, content: [{ text: 'x' }], inputTokens: 0, outputTokens: 0 };
    for (let i = 0; i < 50; i++) await store.appendTurns({ turns: [{ ...base, sessionId: `other-${i}`, userId: `u${i}`, createdAt: 1000 + i }] });
    await store.appendTurns({ turns: [{ ...base, sessionId: 'mine-1', userId: 'me', createdAt: 2000 }, { ...base, sessionId: 'mine-1', userId: 'me', createdAt: 2001 }] });
    await store.appendTurns({ turns: [{ ...base, sessionId: 'mine-2', userId: 'me', createdAt: 3000 }] });
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${LIST_SESSIONS}`).all('t', 'me', 0, 20) as Array<{ detail: string }>).map((p) => p.detail);
    expect(plan[0]).toMatch(/^SEARCH s USING (COVERING )?INDEX sessions_user \(tenant_id=\? AND user_id=\?\)/);
    expect(plan[1]).toMatch(/^SEARCH t USING (COVERING )?INDEX turns_session_live \(tenant_id=\? AND session_id=\?/);
    expect(await store.listSessions({ tenantId: 't', userId: 'me', now: 2500 })).toEqual([
      { tenantId: 't', sessionId: 'mine-2', userId: 'me', turnCount: 1, firstAt: 3000, lastAt: 3000 },
      { tenantId: 't', sessionId: 'mine-1', userId: 'me', turnCount: 2, firstAt: 2000, lastAt: 2001 },
    ]);
    db.close();
  });
});
