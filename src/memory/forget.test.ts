import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { forgetMemoryItem, withoutFacts } from './forget.js';

describe('forgetting one fact', () => {
  it('drops the summary sentences that state it, and only those', () => {
    expect(withoutFacts('I prefer email for invoice questions. We split invoice INV-9 in two.', ['I prefer email for invoice questions.'])).toBe('We split invoice INV-9 in two.');
    expect(withoutFacts('Talked about the weather in Lisbon.', ['I prefer email for invoice questions.'])).toBeNull();
    // A sentence sharing a word or two with the fact is not the fact.
    expect(withoutFacts('Invoice questions go to the billing team.', ['I prefer email for invoice questions.'])).toBeNull();
  });

  let rt: Runtime | undefined;
  let dir = '';
  afterEach(async () => {
    await rt?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("removes the fact and its statements from the user's summaries on a real store; a summary id deletes the summary", async () => {
    dir = mkdtempSync(join(tmpdir(), 'lore-forget-'));
    rt = await openRuntime(loadConfig({}, { dataDir: dir, logLevel: 'silent' }));
    const m = rt.memory.store;
    const who = { tenantId: 't', userId: 'ana' };
    const fact = await m.addFact({ ...who, id: 'f1', text: 'I prefer email for invoice questions.', ttlSeconds: 3600 });
    await m.putSummary({ ...who, sessionId: 's1', text: 'I prefer email for invoice questions. We split invoice INV-9 in two.', coveredThrough: 1, coveredTurns: 2, expected: null, ttlSeconds: 3600 });
    await m.putSummary({ tenantId: 't', userId: 'bob', sessionId: 's2', text: 'I prefer email for invoice questions.', coveredThrough: 1, coveredTurns: 2, expected: null, ttlSeconds: 3600 });
    expect(await forgetMemoryItem(m, { ...who, id: fact.id })).toBe(true);
    expect(await m.listFacts(who)).toEqual([]);
    expect((await m.getSummary({ tenantId: 't', sessionId: 's1' }))?.text).toBe('We split invoice INV-9 in two.');
    // Another user's memory is never touched.
    expect((await m.getSummary({ tenantId: 't', sessionId: 's2' }))?.text).toBe('I prefer email for invoice questions.');
    expect(await forgetMemoryItem(m, { ...who, id: 'f1' })).toBe(false);
    expect(await forgetMemoryItem(m, { ...who, id: 's1' })).toBe(true);
    expect(await m.getSummary({ tenantId: 't', sessionId: 's1' })).toBeNull();
  });
});
