import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createRuntime } from '../runtime.js';
import { createAgentService } from '../service.js';
import { createPriceTable } from './prices.js';
import { computeStats } from './stats.js';

describe('persisted stats', () => {
  it('reports runs, tokens, cost from the price table, tool success and learning rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-stats-'));
    const rt = createRuntime(loadConfig({}, { dataDir: dir, logLevel: 'silent' }));
    const svc = createAgentService(rt, { evaluate: true });
    try {
      const a = await svc.start({ tenantId: 'acme', sessionId: 's1', userId: 'u', message: 'what is 17*23?' });
      const b = await svc.start({ tenantId: 'acme', sessionId: 's1', userId: 'u', message: 'Remember that the vault is in room 4.' });
      await svc.start({ tenantId: 'other', sessionId: 's9', userId: 'v', message: 'hello' });
      await svc.evaluator.drain();
      // 3 USD per 1M input, 15 per 1M output.
      const prices = createPriceTable({ 'test-model': { input: 3, output: 15 } });
      const s = await computeStats(rt.backend, { modelId: 'bedrock:test-model', prices, tenantId: 'acme' });
      const input = a.usage.inputTokens + b.usage.inputTokens;
      const output = a.usage.outputTokens + b.usage.outputTokens;
      expect(s.runs).toMatchObject({ total: 2, byStatus: { COMPLETED: 2 } });
      expect(s.tokens).toMatchObject({ input, output, total: a.usage.totalTokens + b.usage.totalTokens, priced: true });
      expect(s.tokens.costUsd).toBeCloseTo((input * 3 + output * 15) / 1e6, 9);
      expect(s.tools).toEqual({ calls: 1, succeeded: 1, successRate: 1 });
      expect(s.learning).toMatchObject({ interactions: 2, withLearnings: 1, learningRate: 0.5, activeLearnings: 1 });
      expect(s.quality.scored).toBe(2);
      expect(Object.keys(s.stepLatencyMs)).toEqual(expect.arrayContaining(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse', 'UpdateKnowledge']));
      expect((await computeStats(rt.backend, { modelId: 'offline', prices })).byTenant.map((t) => t.tenantId).sort()).toEqual(['acme', 'other']);
    } finally {
      await svc.close();
      rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
