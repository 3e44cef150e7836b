import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../stores/sqlite/database.js';
import { SqliteSessionStore } from '../stores/sqlite/session-store.js';
import { estimateTokens } from '../util/tokens.js';
import type { NewTurn, SessionStore } from './session-store.js';
import { WindowWatch } from './window-watch.js';
import { turnText } from './window.js';

const dirs: string[] = [];
const dbs: Array<{ close(): void }> = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let clock = 1_700_000_000_000;
function rig(opts: { maxAgeMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lore-watch-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'lore.db'));
  dbs.push(db);
  const store = new SqliteSessionStore(db, { ttlSeconds: 3600, now: () => clock });
  const watch = new WindowWatch({ clock: () => clock, ...opts });
  return { store, watch, watched: watch.wrap(store) };
}

const K = { tenantId: 't', sessionId: 's' };
const pair = (runId: string, q: string, a: string, extra: Partial<NewTurn> = {}): NewTurn[] => [
  { ...K, userId: 'u', role: 'user', content: [{ text: q }], inputTokens: 0, outputTokens: 0, runId, ...extra },
  { ...K, userId: 'u', role: 'assistant', content: [{ text: a }], inputTokens: 0, outputTokens: 0, runId, ...extra },
];
/** What a fresh read of the whole session says: the figures the watch must match. */
async function truth(store: SessionStore) {
  const turns = await store.recentTurns({ ...K, limit: 1000 });
  return { turns: turns.length, tokens: turns.reduce((n, t) => n + estimateTokens(turnText(t)), 0) };
}

describe('WindowWatch', () => {
  it("knows a short session after the turn's read and writes: the figures of a fresh read, once", async () => {
    const { store, watch, watched } = rig();
    // Earlier turns, written before this process watched anything.
    await store.appendTurns({ turns: pair('r0', 'Where is the invoice of March?', 'In the billing folder.') });
    clock += 10;
    expect(await watched.recentTurns({ ...K, limit: 10 })).toHaveLength(2); // the context build
    await watched.appendTurns({ turns: pair('r1', 'And the one of April?', 'Also there.') }); // the turn
    await watched.setTurnText({ tenantId: 't', runId: 'r1', role: 'assistant', text: 'Also there.\n\nNoted: April invoices are in the billing folder too.' });
    const known = watch.take('t', 's');
    expect(known).toEqual(await truth(store));
    expect(known!.turns).toBe(4);
    // One summariser run per read.
    expect(watch.take('t', 's')).toBeUndefined();
  });

  it('records nothing from a read that may not be the whole live session', async () => {
    const { store, watch, watched } = rig();
    await store.appendTurns({ turns: [...pair('r0', 'a', 'b'), ...pair('r1', 'c', 'd')] });
    await watched.recentTurns({ ...K, limit: 4 }); // as many as asked for: there may be more
    expect(watch.take('t', 's')).toBeUndefined();
    await watched.recentTurns({ ...K, limit: 10, now: clock }); // a view of another time
    expect(watch.take('t', 's')).toBeUndefined();
    await watched.recentTurns({ ...K, limit: 10, since: clock - 1 }); // a part of the session
    expect(watch.take('t', 's')).toBeUndefined();
    await watched.recentTurns({ ...K, limit: 10 });
    expect(watch.take('t', 's')).toEqual(await truth(store));
  });

  it('records nothing from a read that a write of the session overlapped, nor after a write that failed', async () => {
    const { store, watch } = rig();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The same store, its reads held until the test lets them go.
    const slow: SessionStore = Object.assign(Object.create(store) as SessionStore, { recentTurns: async (p: Parameters<SessionStore['recentTurns']>[0]) => (await gate, store.recentTurns(p)) });
    const watched = watch.wrap(slow);
    const read = watched.recentTurns({ ...K, limit: 10 });
    await watched.appendTurns({ turns: pair('r1', 'q', 'a') });
    release();
    expect(await read).toHaveLength(2);
    expect(watch.take('t', 's')).toBeUndefined();

    // setTurnText of a run this process never saw: it may be in any session, so an overlapping read records nothing.
    await store.appendTurns({ turns: pair('elsewhere', 'q', 'a', { sessionId: 's2' }) });
    let release2!: () => void;
    const gate2 = new Promise<void>((r) => (release2 = r));
    const slow2: SessionStore = Object.assign(Object.create(store) as SessionStore, { recentTurns: async (p: Parameters<SessionStore['recentTurns']>[0]) => (await gate2, store.recentTurns(p)) });
    const watched2 = watch.wrap(slow2);
    const read2 = watched2.recentTurns({ tenantId: 't', sessionId: 's2', limit: 10 });
    expect(await watched2.setTurnText({ tenantId: 't', runId: 'elsewhere', role: 'assistant', text: 'a much longer answer than before' })).toBe(true);
    release2();
    await read2;
    expect(watch.take('t', 's2')).toBeUndefined();

    const plain = watch.wrap(store);
    await plain.recentTurns({ ...K, limit: 10 });
    await expect(plain.appendTurns({ turns: [{ ...K, userId: '', role: 'user', content: [], inputTokens: 0, outputTokens: 0 }] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(watch.take('t', 's')).toBeUndefined();
  });

  it('forgets a session whose turns are deleted, and serves an entry only while no turn expired and within its age', async () => {
    const { store, watch, watched } = rig({ maxAgeMs: 1000 });
    await watched.appendTurns({ turns: pair('r1', 'q', 'a', { ttlSeconds: 5 }) });
    await watched.recentTurns({ ...K, limit: 10 });
    await watched.deleteSession(K);
    expect(watch.take('t', 's')).toBeUndefined();

    await watched.appendTurns({ turns: pair('r2', 'q', 'a', { ttlSeconds: 5 }) });
    await watched.recentTurns({ ...K, limit: 10 });
    clock += 999;
    expect(watch.take('t', 's')).toEqual({ turns: 2, tokens: 2 });
    await watched.recentTurns({ ...K, limit: 10 });
    clock += 1001;
    expect(watch.take('t', 's')).toBeUndefined(); // too old: another process may have written since

    const b = rig({ maxAgeMs: 60_000 });
    await b.watched.appendTurns({ turns: pair('r3', 'q', 'a', { ttlSeconds: 5 }) });
    await b.watched.recentTurns({ ...K, limit: 10 });
    clock += 4999;
    expect(b.watch.take('t', 's')).toEqual({ turns: 2, tokens: 2 });
    await b.watched.recentTurns({ ...K, limit: 10 });
    clock += 1; // the turns expire: the count would be too high
    expect(await truth(b.store)).toEqual({ turns: 0, tokens: 0 });
    expect(b.watch.take('t', 's')).toBeUndefined();
  });
});
