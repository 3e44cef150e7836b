import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineConfig, type LoreSettings } from './definition.js';

// Checked by tsc (the project's type check covers test files): settings a config file writes are
// typed as what they parse to, so a wrong type fails in the editor instead of at start-up.
describe('LoreSettings types', () => {
  it('types numeric settings as numbers, not unknown', () => {
    expectTypeOf<NonNullable<LoreSettings['memory']>['topK']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NonNullable<NonNullable<LoreSettings['server']>['port']>>().toEqualTypeOf<number>();
    expectTypeOf<NonNullable<LoreSettings['approvals']>['amountThreshold']>().not.toBeUnknown();
    const ok = defineConfig({ memory: { topK: 8 }, server: { port: 9000 }, approvals: { amountThreshold: 500 }, modelCall: { apiKey: 'k', timeoutMs: 1000 } });
    // @ts-expect-error a string is not a number of chunks
    const bad = defineConfig({ memory: { topK: 'five' } });
    expect([ok.memory?.topK, bad.memory?.topK]).toEqual([8, 'five']);
  });
});
