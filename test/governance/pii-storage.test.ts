import { describe, expect, it } from 'vitest';
import { runPiiBenchmark } from '../../bench/governance-pii.js';
import { BENIGN_MESSAGES } from '../../src/guardrails/corpus/injection.js';
import { PII_BENIGN, PII_CASES } from '../../src/guardrails/corpus/pii.js';

/**
 * The storage guarantee end to end: after real turns (sync, async, streamed, learnings, feedback
 * comments, ingest) over PII statements, not one PII string is in the SQLite file, its WAL, the
 * log lines or what clients received. A subset: two statements of every detector kind.
 */
describe('PII never reaches storage in clear', () => {
  it('0 PII strings in the database file, logs or answers; benign look-alikes pass', async () => {
    const perKind = new Map<string, number>();
    const cases = PII_CASES.filter((c) => {
      const n = perKind.get(c.kind) ?? 0;
      perKind.set(c.kind, n + 1);
      return n < 2;
    });
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const r = await runPiiBenchmark({ cases, benign: [...PII_BENIGN.slice(0, 15), ...BENIGN_MESSAGES.slice(0, 10)] });
    expect(r.piiStrings).toBeGreaterThanOrEqual(20);
    expect(r.foundInDb).toEqual([]);
    expect(r.foundInLogs).toEqual([]);
    expect(r.foundInAnswers).toEqual([]);
    expect(r.benignFlagged).toEqual([]);
  }, 60_000);
});
