import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EffectLedger } from '../../src/workflow/effect-ledger.js';
import type { BackendUnderTest, MakeBackend } from './harness.js';

/** EffectLedger: a mutating tool call begins once (even when re-runs race) and keeps its outcome. */
export function effectsContract(name: string, make: MakeBackend): void {
  describe(`EffectLedger contract: ${name}`, () => {
    let b: BackendUnderTest;
    let ledger: EffectLedger;
    const effect = { key: 'run_1:Reason:tu_1', runId: 'run_1', step: 'Reason', toolUseId: 'tu_1', tool: 'issue_refund', startedAt: 5 };
    beforeEach(async () => {
      b = await make();
      ledger = b.backend.effects;
    });
    afterEach(async () => b.close());

    it('begins an effect once and completes it with the outcome', async () => {
      expect(await ledger.getEffect({ key: effect.key })).toBeNull();
      expect(await ledger.beginEffect({ effect })).toBe(true);
      expect(await ledger.beginEffect({ effect: { ...effect, startedAt: 9 } })).toBe(false);
      expect(await ledger.getEffect({ key: effect.key })).toEqual({ ...effect, status: 'started' });
      const outcome = { status: 'success', output: { refund_id: 'rf_1', amount: 5000 } };
      await ledger.completeEffect({ key: effect.key, result: outcome, completedAt: 6 });
      expect(await ledger.getEffect({ key: effect.key })).toEqual({ ...effect, status: 'completed', result: outcome, completedAt: 6 });
      expect(await ledger.beginEffect({ effect })).toBe(false);
    });

    it('lets exactly one of several concurrent re-runs begin the same effect', async () => {
      const began = await Promise.all(Array.from({ length: 6 }, (_, i) => ledger.beginEffect({ effect: { ...effect, startedAt: 10 + i } })));
      expect(began.filter(Boolean)).toHaveLength(1);
      expect((await ledger.getEffect({ key: effect.key }))!.startedAt).toBe(10 + began.indexOf(true));
    });

    it('keys effects independently and keeps them across a reopen', async () => {
      await ledger.beginEffect({ effect });
      await ledger.beginEffect({ effect: { ...effect, key: 'run_1:Reason:tu_2', toolUseId: 'tu_2' } });
      await ledger.completeEffect({ key: 'run_1:Reason:tu_2', result: { status: 'error' }, completedAt: 7 });
      const again = (await b.reopen()).effects;
      expect((await again.getEffect({ key: effect.key }))!.status).toBe('started');
      expect(await again.getEffect({ key: 'run_1:Reason:tu_2' })).toMatchObject({ status: 'completed', result: { status: 'error' }, completedAt: 7 });
    });
  });
}
