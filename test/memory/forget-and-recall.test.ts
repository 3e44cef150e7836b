import { afterEach, describe, expect, it } from 'vitest';
import { forgetEverything } from '../../src/memory/forget.js';
import { closeAll, say, stack } from './support.js';

afterEach(closeAll);
const T = 'default';

describe('a new session and what the user asked to forget', () => {
  it("finds the session that just ended in the new session's very first question, and never in another user's", async () => {
    const s = stack();
    await say(s, { sessionId: 'last', userId: 'ana', message: 'Hi, I have a question.' });
    await say(s, { sessionId: 'last', userId: 'ana', message: 'The office move: the movers come on March 3.' });
    // No greeting first: the earlier session is finalised before this turn is answered.
    const r = await say(s, { sessionId: 'now', userId: 'ana', message: 'When do the movers come for the office move?' });
    expect(r.answer).toContain('March 3');
    expect(await s.memory.store.runMemory({ tenantId: T, runId: r.runId })).toContainEqual({ kind: 'past_summary', id: 'last' });
    const bob = await say(s, { sessionId: 'bob1', userId: 'bob', message: 'When do the movers come for the office move?' });
    expect(bob.answer).not.toContain('March 3');
  });

  it('forgetting everything is not undone when a later session finalises the earlier ones from their turns', async () => {
    const s = stack();
    await say(s, { sessionId: 'a', userId: 'ana', message: "I'm on the Premium plan." });
    await say(s, { sessionId: 'a', userId: 'ana', message: 'The courier for parcel 7 is DHL.' });
    const r = await forgetEverything({ store: s.memory.store, sessions: s.sessions, summaryTtlSeconds: 3600 }, { tenantId: T, userId: 'ana' });
    expect(r.facts).toBe(1);
    const next = await say(s, { sessionId: 'b', userId: 'ana', message: 'Which plan am I on?' });
    expect(next.answer).not.toContain('Premium');
    expect(await s.memory.store.listFacts({ tenantId: T, userId: 'ana' })).toEqual([]);
    const summaries = await s.memory.store.listSummaries({ tenantId: T, userId: 'ana' });
    expect(summaries.map((x) => x.text).join(' ')).not.toContain('Premium');
    // The session itself still has its conversation in view until its turns expire.
    const same = await say(s, { sessionId: 'a', userId: 'ana', message: 'Which plan am I on?' });
    expect(same.answer).toContain('Premium');
  });
});
