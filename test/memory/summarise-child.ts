/**
 * A Lore process for the summarisation crash test: writes a session's turns (first run only), then
 * summarises it with a model that announces the call and never answers — the parent SIGKILLs it
 * mid-summarisation.   node --import tsx test/memory/summarise-child.ts <dataDir>
 */
import { loadConfig } from '../../src/config.js';
import { summariseSession } from '../../src/memory/summarizer.js';
import type { ModelProvider } from '../../src/models/provider.js';
import { createRuntime } from '../../src/runtime.js';

const dataDir = process.argv[2]!;
const rt = createRuntime(loadConfig({}, { dataDir, logLevel: 'silent', 'memory.historyTurns': 4 }));
const hang: ModelProvider = {
  specificationVersion: 'v1',
  modelId: 'hang',
  converse: () => {
    process.stdout.write('SUMMARISING\n');
    return new Promise(() => {});
  },
  converseStream: () => {
    throw new Error('not used');
  },
};
for (let i = 0; i < 10; i++) {
  await rt.sessions.appendTurns({
    turns: [
      { tenantId: 'default', sessionId: 's', userId: 'ana', role: 'user', content: [{ text: `Fact number ${i} is that box ${i} is blue.` }], inputTokens: 0, outputTokens: 0, createdAt: 1_000 + i * 10, runId: `r${i}`, ttlSeconds: 10_000_000 },
      { tenantId: 'default', sessionId: 's', userId: 'ana', role: 'assistant', content: [{ text: 'Noted.' }], inputTokens: 0, outputTokens: 0, createdAt: 1_000 + i * 10, runId: `r${i}`, ttlSeconds: 10_000_000 },
    ],
  });
}
process.stdout.write('READY\n');
await summariseSession({ sessions: rt.sessions, memory: rt.memory, provider: hang }, { tenantId: 'default', sessionId: 's', userId: 'ana', historyTurns: 4, now: 2_000 });
