import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { estimateTokens } from '../util/tokens.js';
import { buildContext } from './context-builder.js';

/** The adaptive plan in the product path: what BuildContext puts into `<semantic_memory>`. */
describe('buildContext with a token budget', () => {
  let dir: string;
  let rt: Runtime;
  afterEach(() => {
    rt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a multi-hop question takes more, shorter chunks than a lookup, within memory.contextTokens', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lore-ctx-'));
    rt = createRuntime(loadConfig({}, { dataDir: join(dir, 'data'), logLevel: 'silent' }));
    const filler = 'It is staffed around the clock and inspected every quarter by the logistics team. '.repeat(6);
    for (const city of ['Lyon', 'Turin', 'Porto', 'Ghent', 'Malmo', 'Split', 'Cork', 'Graz']) {
      await rt.knowledge.upsertDocument({ tenantId: 'default', sourceUri: `docs/${city}.md`, kind: 'document', text: `The ${city} warehouse opens at 7 am. ${filler}` });
    }
    const build = (message: string) =>
      buildContext({ sessions: rt.sessions, knowledge: rt.knowledge, tenantId: 'default', sessionId: 's', message, historyTurns: 0, topK: 2, contextTokens: 400 });

    const simple = await build('When does the warehouse open?');
    const multi = await build('Which warehouse opens first, Lyon or Turin, and does Porto open before Ghent?');
    expect(simple.plan).toMatchObject({ topK: 2, complexity: 0 });
    expect(multi.plan.complexity).toBeGreaterThan(0);
    expect(multi.retrieved.length).toBeGreaterThan(simple.retrieved.length);
    for (const ctx of [simple, multi]) {
      expect(ctx.retrieved.reduce((n, h) => n + estimateTokens(h.text), 0)).toBeLessThanOrEqual(400);
    }
    expect(Math.max(...multi.retrieved.map((h) => estimateTokens(h.text)))).toBeLessThan(Math.max(...simple.retrieved.map((h) => estimateTokens(h.text))));
    const system = multi.system.map((b) => ('text' in b ? b.text : '')).join('');
    for (const city of ['Lyon', 'Turin', 'Porto', 'Ghent']) expect(system).toContain(`The ${city} warehouse opens at 7 am.`);
  });
});
