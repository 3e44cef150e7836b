import { describe, expect, it } from 'vitest';
import { LoreError } from '../errors.js';
import type { WorkflowDefinition } from './definition.js';
import { executeRun, LeaseLost, type ExecutorDeps } from './executor.js';
import type { RunStore } from './run-store.js';
import type { StepContext } from './step-types.js';
import type { RunRecord } from './types.js';

/**
 * The executor pipelines its writes (checkpoints and a step's deferred writes) and waits only at
 * durable points. These pin what a durable point means: every write issued before it has settled,
 * and the first failure sticks and stops the run with no later checkpoint issued.
 */
const definition: WorkflowDefinition = {
  name: 'test',
  version: '1',
  startAt: 'Dispatch',
  states: {
    Dispatch: { type: 'task', resultKey: 'dispatch', next: 'Done', retry: [], catch: [], statusOnEnter: 'REASONING' },
    Done: { type: 'succeed' },
  },
};

const run: RunRecord = {
  runId: 'run_1',
  traceId: `${'0'.repeat(31)}1`,
  tenantId: 't',
  sessionId: 's',
  userId: 'u',
  message: 'hi',
  status: 'INITIATED',
  currentState: 'Dispatch',
  steps: [],
  attempts: 0,
  errorCount: 0,
  createdAt: 0,
  updatedAt: 0,
};

/** A run store whose checkpoints settle only when the test says so. */
function heldStore() {
  const held: Array<{ patch: Record<string, unknown>; resolve: () => void; reject: (e: unknown) => void }> = [];
  const runs = {
    checkpoint: (p: { patch: Record<string, unknown> }) => new Promise<void>((resolve, reject) => held.push({ patch: p.patch, resolve, reject })),
  } as unknown as RunStore;
  return { runs, held };
}

function deps(runs: RunStore, handler: (ctx: StepContext) => Promise<unknown>): ExecutorDeps {
  return {
    definition,
    handlers: { Dispatch: (_data, ctx) => handler(ctx) as never },
    runs,
    owner: 'me',
    leaseMs: 60_000,
    now: () => 1,
    sleep: async () => {},
    operator: () => {},
    closing: () => false,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('executor durable points', () => {
  it('durable() resolves only once every earlier checkpoint and deferred write has settled', async () => {
    const { runs, held } = heldStore();
    let releaseDeferred!: () => void;
    let durableAt: number | undefined;
    const done = executeRun(
      deps(runs, async (ctx) => {
        ctx.defer(new Promise<void>((r) => (releaseDeferred = r)));
        await ctx.durable();
        durableAt = held.filter((h) => h.patch.settled).length;
        return { intent: 'chat' };
      }),
      run,
    );
    await tick();
    expect(held.map((h) => h.patch.status)).toEqual(['REASONING']); // statusOnEnter, not awaited
    expect(durableAt).toBeUndefined();
    held[0]!.patch.settled = true;
    held[0]!.resolve();
    await tick();
    expect(durableAt).toBeUndefined(); // the deferred write is still in flight
    releaseDeferred();
    await tick();
    expect(durableAt).toBe(1);
    // The step's checkpoint and the terminal one are issued; the result waits for both.
    await tick();
    let finished = false;
    void done.then(() => (finished = true));
    for (const h of held.slice(1)) h.resolve();
    await tick();
    expect(held.slice(1).map((h) => h.patch.currentState)).toEqual(['Done', 'Done']);
    expect(held.at(-1)!.patch).toMatchObject({ status: 'COMPLETED', release: true });
    await done;
    expect(finished).toBe(true);
  });

  it('a lost lease sticks: the run stops with LeaseLost at its next durable point and issues nothing after it', async () => {
    const { runs, held } = heldStore();
    const done = executeRun(
      deps(runs, async (ctx) => {
        await ctx.durable();
        return { intent: 'chat' };
      }),
      run,
    );
    await tick();
    held[0]!.reject(new LoreError('CONFLICT', 'lease taken'));
    await expect(done).rejects.toBeInstanceOf(LeaseLost);
    expect(held).toHaveLength(1);
  });
});
