import type { Runtime } from '../runtime.js';
import { newId } from '../util/ids.js';
import type { RunResult, TurnRunner } from '../workflow/types.js';

export const DEMO_DOCUMENT = `# Internal API

The internal API rate limit is 100 req/s.
Authentication uses OAuth 2.0 client credentials issued by the platform team.
The base URL is https://api.internal.example.com/v2 and responses are JSON.
`;

export const DEMO_QUESTION = 'What is the rate limit of our internal API?';
export const DEMO_UPDATE = 'Update: the rate limit was increased to 500 req/s last month.';

export interface DemoReport {
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  propagationMs: number | null;
  steps: Array<{ session: string; message: string; answer: string }>;
}

/**
 * The seeds' 3-step proof of runtime learning: session A reads 100 from the KB, is told the new
 * limit, session B (no shared episodic memory) answers 500 and the old fact is marked superseded.
 */
export async function runLearningDemo(rt: Runtime, runner: TurnRunner, print: (line: string) => void = () => {}): Promise<DemoReport> {
  const tenantId = rt.config.tenant;
  const sessionA = newId('sessA');
  const sessionB = newId('sessB');
  const checks: DemoReport['checks'] = [];
  const steps: DemoReport['steps'] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    print(`  ${ok ? '✔' : '✘'} ${name}${detail ? ` — ${detail}` : ''}`);
  };
  const turn = async (sessionId: string, message: string): Promise<RunResult> => {
    const r = await runner.start({ tenantId, sessionId, userId: 'demo-user', message });
    steps.push({ session: sessionId, message, answer: r.answer });
    print(`  you  > ${message}`);
    print(`  lore > ${r.answer}`);
    return r;
  };

  print(`Model: ${rt.provider.modelId}   data dir: ${rt.config.dataDir}`);
  print('\n0. The knowledge base holds docs/internal-api.md ("…rate limit is 100 req/s…")');
  await rt.knowledge.upsertDocument({ tenantId, sourceUri: 'docs/internal-api.md', kind: 'document', text: DEMO_DOCUMENT, actor: 'demo' });

  print(`\n1. Session A asks (${sessionA})`);
  const first = await turn(sessionA, DEMO_QUESTION);
  check('session A answers 100 req/s from the knowledge base', /\b100\b/.test(first.answer), '');

  print(`\n2. Session A corrects it`);
  const second = await turn(sessionA, DEMO_UPDATE);
  check('the answer is acknowledged without the [LEARNING] tag', !/\[learning\]/i.test(second.answer) && second.answer.length > 0, '');
  const written = second.learnings.find((o) => o.event === 'ADD' || o.event === 'UPDATE');
  check('a learning was written', !!written, written ? `${written.event} ${written.docId}: "${written.fact}"` : 'none');
  const superseded = second.learnings.find((o) => o.event === 'UPDATE' && o.superseded);
  check('the old 100 req/s fact is marked superseded', !!superseded, superseded ? `chunk ${superseded.superseded!.chunkId} of ${superseded.superseded!.docId}` : '');

  let propagationMs: number | null = null;
  if (written?.docId) {
    const t0 = performance.now();
    const hits = await rt.knowledge.search({ tenantId, query: DEMO_QUESTION, topK: rt.config.memory.topK });
    const found = hits.findIndex((h) => h.docId === written.docId);
    propagationMs = (written.propagationMs ?? 0) + (performance.now() - t0);
    check('the learning is retrievable right away', found >= 0, `rank ${found + 1}, learning emitted → retrievable in ${propagationMs.toFixed(1)} ms`);
    const doc = await rt.knowledge.getDocument({ tenantId, id: written.docId });
    print(`     provenance: ${JSON.stringify(doc?.provenance)}`);
  }

  print(`\n3. Session B asks — a different session, no shared episodic memory (${sessionB})`);
  const third = await turn(sessionB, DEMO_QUESTION);
  check('session B answers 500 req/s', /\b500\b/.test(third.answer) && !/\b100 req\/s\b/.test(third.answer), '');

  const ok = checks.every((c) => c.ok);
  print(`\n${ok ? 'PASS' : 'FAIL'}: ${checks.filter((c) => c.ok).length}/${checks.length} checks held.${propagationMs !== null ? ` Learning propagation: ${propagationMs.toFixed(1)} ms.` : ''}`);
  return { ok, checks, propagationMs, steps };
}
