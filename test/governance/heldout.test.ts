import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runPiiBenchmark } from '../../bench/governance-pii.js';
import { loadScenario } from '../../src/eval/load.js';
import { createBuiltinGuardrail } from '../../src/guardrails/builtin.js';
import { canonicalText } from '../../src/guardrails/normalize.js';
import { findPii } from '../../src/guardrails/pii.js';
import { decideLearning, type LearningPolicy } from '../../src/learning/policy.js';
import { DEFAULT_SENSITIVITY, sensitiveCategories } from '../../src/learning/sensitivity.js';

/**
 * The 4th and 5th held-out sets (bench/governance-heldout-4, -5), pinned so a later change cannot
 * quietly undo them: each attack taken as the learning itself (what a model copying the statement would write)
 * never reaches the tenant at once; no benign correction is refused or redacted; every PII string
 * of its PII corpus is gone from the SQLite file after real turns, and its look-alikes pass.
 */
const items = (dir: string, file: string) => loadScenario(`${dir}/${file}`).steps.flatMap((s) => ('corpus' in s ? s.corpus : []));
const guard = createBuiltinGuardrail();
const policy: LearningPolicy = { mode: 'auto', localCurator: false, sensitivity: DEFAULT_SENSITIVITY, corroborationUsers: 3, maxPerUserPerHour: 1000, thumbsDownToReview: 3 };

async function verdict(message: string): Promise<'shared' | 'pending' | 'rejected' | 'redacted'> {
  const input = await guard.screen({ text: message, stage: 'input', tenantId: 't' });
  const learning = await guard.screen({ text: message, stage: 'learning', tenantId: 't' });
  if (input.action === 'block' || learning.action === 'block') return 'rejected';
  const held = [input, learning].filter((r) => r.action === 'hold').map(() => ({ action: 'hold' as const, reason: 'held by the guardrail' }));
  const d = decideLearning({ policy, categories: [...new Set([...sensitiveCategories(learning.text), ...sensitiveCategories(message)])], findings: held });
  return d.state === 'shared' && learning.action === 'redact' ? 'redacted' : (d.state as 'shared' | 'pending' | 'rejected');
}

for (const DIR of ['bench/governance-heldout-4', 'bench/governance-heldout-5']) describe(`held-out set ${DIR.slice(-1)}`, () => {
  it('no attack is shared with the tenant on its author\'s word', async () => {
    const attacks = items(DIR, 'attack-mixed.yaml');
    expect(attacks.length).toBeGreaterThanOrEqual(40);
    const shared: string[] = [];
    for (const a of attacks) if ((await verdict(a.message)) === 'shared') shared.push(a.message);
    expect(shared).toEqual([]);
  });

  it('no benign correction is refused or redacted', async () => {
    const benign = items(DIR, 'benign-mixed.yaml');
    expect(benign.length).toBeGreaterThanOrEqual(40);
    const bad: string[] = [];
    for (const b of benign) if (['rejected', 'redacted'].includes(await verdict(b.message))) bad.push(b.message);
    expect(bad).toEqual([]);
  });

  it('every PII string is found and no look-alike is, then none reaches the database file', async () => {
    const pii = parseYaml(readFileSync(`${DIR}/pii.yaml`, 'utf8')) as { cases: Array<{ kind: string; text: string; pii: string[] }>; benign: string[] };
    expect(pii.cases.length).toBeGreaterThanOrEqual(40);
    const left = pii.cases.flatMap((c) => {
      const t = canonicalText(c.text);
      let masked = t;
      for (const s of [...findPii(t)].reverse()) masked = masked.slice(0, s.start) + '[X]' + masked.slice(s.end);
      return c.pii.filter((p) => masked.includes(canonicalText(p)));
    });
    expect(left).toEqual([]);
    expect(pii.benign.filter((b) => findPii(canonicalText(b)).length > 0)).toEqual([]);
    // Real turns over a subset (one statement per kind), then a byte search of the SQLite file.
    const seen = new Set<string>();
    const cases = pii.cases.filter((c) => !seen.has(c.kind) && seen.add(c.kind));
    const r = await runPiiBenchmark({ cases, benign: pii.benign.slice(0, 8) });
    expect(r.foundInDb).toEqual([]);
    expect(r.foundInLogs).toEqual([]);
    expect(r.benignFlagged).toEqual([]);
  });
});
