import type { LoopHooks } from '../agent/loop-types.js';
import type { TurnDeps } from '../agent/turn.js';
import type { ScreenResult } from '../guardrails/port.js';
import type { ApprovalPolicy } from './approvals.js';
import type { OperatorEvent } from './operator.js';
import type { RunData } from './run-data.js';
import type { WorkflowStore as RunStore } from './workflow-store.js';
import type { RunEvent, RunStatus } from './types.js';

/** What step handlers need; the same for the local engine and for Lambda/ASL task handlers. */
export interface StepDeps {
  turn: TurnDeps;
  runs: RunStore;
  approvals: { ttlSeconds: number; policies: ApprovalPolicy[] };
  now: () => number;
  operator: (e: OperatorEvent) => void;
  /** Budget checks from outside the workflow (session/tenant token budgets). */
  beforeModelCall?: LoopHooks['beforeModelCall'];
  /** The input verdict the engine reached when it created the run (same process); Dispatch screens again otherwise. */
  inputVerdict?: (runId: string) => ScreenResult | undefined;
}

/** Per-execution side channel: streaming and status updates. Lambda handlers get a no-op one. */
export interface StepContext {
  signal?: AbortSignal;
  stream: boolean;
  emit(e: RunEvent): void;
  /**
   * Record a status change inside a step (REASONING ⇄ TOOL_EXECUTION_PENDING), renewing the lease.
   * Queued in order with the run's checkpoints; not awaited (it commits with the step's next write).
   */
  setStatus(status: RunStatus): void;
  /**
   * Resolves once every checkpoint and deferred write issued so far is durable; throws if one failed
   * (a lost lease, a storage fault). The one point a step must wait for: before a side effect.
   */
  durable(): Promise<void>;
  /** Hand over a store write (mid-step progress) to be made durable with the next checkpoint. */
  defer(write: Promise<unknown>): void;
  /** The state whose failure routed here (local engine only; for the operator event). */
  failedState?: string;
}

export type StepHandler = (data: RunData, ctx: StepContext) => Promise<unknown>;

export const noopStepContext = (signal?: AbortSignal): StepContext => {
  // A Lambda has no engine pipelining its writes: durable() waits for the ones deferred so far.
  const writes: Promise<unknown>[] = [];
  return {
    stream: false,
    emit: () => {},
    setStatus: () => {},
    durable: async () => void (await Promise.all(writes)),
    defer: (write) => {
      write.catch(() => {});
      writes.push(write);
    },
    ...(signal ? { signal } : {}),
  };
};
