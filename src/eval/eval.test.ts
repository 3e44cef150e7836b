import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgentService } from '../service.js';
import { checkExpectation } from './check.js';
import { loadScenario } from './load.js';
import { runScenario } from './runner.js';
import type { RunResult } from '../workflow/types.js';

const result = (over: Partial<RunResult> = {}): RunResult => ({
  runId: 'r',
  traceId: 't',
  sessionId: 's',
  status: 'COMPLETED',
  answer: '17*23 = 391',
  learnings: [],
  toolCalls: [{ toolUseId: '1', name: 'calculator', input: {}, status: 'success', output: {}, latencyMs: 1, iteration: 1 }],
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  iterations: 2,
  ...over,
});

describe('scenario checks', () => {
  it('passes a matching result and names each failed check', () => {
    expect(checkExpectation(result(), { tools: ['calculator'], answer_contains: ['391'], learnings: 0 })).toEqual([]);
    const failures = checkExpectation(result({ answer: 'x\n[LEARNING]: y' }), { status: 'FAILED', tools: ['current_time'], answer_contains: ['391'] });
    expect(failures).toEqual([
      'answer leaks a [LEARNING] line',
      'status COMPLETED, expected FAILED',
      'tools called [calculator], expected in order [current_time]',
      'answer lacks "391"',
    ]);
  });

  it('rejects an invalid scenario file with the file and field named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-scn-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: x\nsteps:\n  - session: a\n    mesage: typo\n');
    expect(() => loadScenario(file)).toThrow(/bad\.yaml: steps\.0/);
  });

  it('runs a scenario end to end on a fresh data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-scn-'));
    const file = join(dir, 'calc.yaml');
    writeFileSync(file, 'name: calc\nsteps:\n  - session: a\n    message: "what is 6*7?"\n    expect:\n      tools: [calculator]\n      answer_contains: ["42"]\n');
    const outcome = await runScenario(loadScenario(file), file, { env: { LORE_LOG_LEVEL: 'silent' }, makeRunner: (rt) => createAgentService(rt, { evaluate: false }) });
    expect(outcome).toMatchObject({ name: 'calc', passed: true, steps: [{ passed: true, failures: [] }] });
  });
});
