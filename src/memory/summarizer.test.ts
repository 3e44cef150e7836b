import { describe, expect, it } from 'vitest';
import { pendingTurns } from './summarizer.js';
import { rng } from '../../test/support/rng.js';


interface T {
  content: Array<{ text: string }>;
  createdAt: number;
  userId: string;
}

/** A session: mostly user + answer pairs written in the same millisecond, some lone turns, a few of another user. */
function session(r: () => number): T[] {
  const turns: T[] = [];
  let at = 1000;
  const n = Math.floor(r() * 40);
  while (turns.length < n) {
    at += 1 + Math.floor(r() * 3);
    const userId = r() < 0.1 ? 'other' : 'u';
    const size = () => 'x'.repeat(Math.floor(r() * 400));
    turns.push({ content: [{ text: size() }], createdAt: at, userId });
    if (r() < 0.8) turns.push({ content: [{ text: size() }], createdAt: at, userId });
  }
  return turns;
}

describe('pendingTurns', () => {
  it('finds the same pending turns from the turns after the coverage mark as from the whole session', () => {
    const r = rng(15);
    let compared = 0;
    let nonEmpty = 0;
    for (let i = 0; i < 3000; i++) {
      const all = session(r);
      // The mark: none, a turn's createdAt, or a time between turns.
      const pick = r();
      const coveredThrough = pick < 0.2 || !all.length ? null : all[Math.floor(r() * all.length)]!.createdAt - (pick < 0.3 ? 0.5 : 0);
      const limits = { maxTurns: Math.floor(r() * 12), maxTokens: r() < 0.3 ? 0 : Math.floor(r() * 600) };
      const cap = r() < 0.3 ? 1 + Math.floor(r() * 30) : 1000; // the read's LIMIT (historyTurns + lookback)
      for (const final of [false, true]) {
        const p = { coveredThrough, userId: 'u', final, ...limits };
        const whole = pendingTurns(all.slice(-cap), p);
        const after = pendingTurns(all.filter((t) => t.createdAt > (coveredThrough ?? -Infinity)).slice(-cap), p);
        expect(after).toEqual(whole);
        compared++;
        if (whole.length) nonEmpty++;
      }
    }
    expect(compared).toBe(6000);
    // The generated sessions exercise both outcomes, not only "nothing pending".
    expect(nonEmpty).toBeGreaterThan(1000);
    expect(compared - nonEmpty).toBeGreaterThan(1000);
  });
});
