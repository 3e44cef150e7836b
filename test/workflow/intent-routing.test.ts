import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { createAgentService } from '../../src/service.js';
import { INTENT_SYSTEM_PROMPT } from '../../src/workflow/intent.js';
import { scriptedProvider } from '../support/scripted-provider.js';

/**
 * Dispatch's route costs a model round trip only when asked to (intent: model) or when the local
 * rules cannot decide. Counted on a scripted provider: every call it gets is recorded.
 */
describe('intent routing and model calls per turn', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function turn(intent: string, message: string) {
    const dir = mkdtempSync(join(tmpdir(), 'lore-intent-'));
    dirs.push(dir);
    // Classification requests get a one-word label; everything else a plain answer.
    const provider = scriptedProvider([(req) => [{ text: req.system?.some((s) => 'text' in s && s.text === INTENT_SYSTEM_PROMPT) ? 'question' : 'Here is the answer.' }]], { repeatLast: true });
    const rt = createRuntime(loadConfig({ LORE_INTENT: intent }, { dataDir: dir, logLevel: 'silent' }), { provider });
    const svc = createAgentService(rt, { evaluate: false });
    try {
      const r = await svc.start({ tenantId: 't', sessionId: 's', userId: 'u', message });
      expect(r.status).toBe('COMPLETED');
      const classified = provider.requests.filter((q) => q.system?.some((s) => 'text' in s && s.text === INTENT_SYSTEM_PROMPT)).length;
      return { calls: provider.requests.length, classified };
    } finally {
      await svc.close();
      rt.close();
    }
  }

  it('rules: a plain question makes exactly one model call (the answer), none to classify', async () => {
    const { calls, classified } = await turn('rules', 'What is the refund window for annual plans?');
    expect(classified).toBe(0);
    expect(calls).toBe(1);
  });

  it('model: the same question costs a classification round trip first (two calls)', async () => {
    const { calls, classified } = await turn('model', 'What is the refund window for annual plans?');
    expect(classified).toBe(1);
    expect(calls).toBe(2);
  });

  it('rules: a message no rule decides falls back to the model classifier', async () => {
    const { calls, classified } = await turn('rules', 'Our fiscal year starts in April');
    expect(classified).toBe(1);
    expect(calls).toBe(2);
  });

  it('off: never classifies', async () => {
    const { calls, classified } = await turn('off', 'Our fiscal year starts in April');
    expect(classified).toBe(0);
    expect(calls).toBe(1);
  });
});
