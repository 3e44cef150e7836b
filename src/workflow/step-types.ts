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
  /** Record a status change inside a step (REASONING ⇄ TOOL_EXECUTION_PENDING), renewing the lease. */
  setStatus(status: RunStatus): Promise<void>;
  /** The state whose failure routed here (local engine only; for the operator event). */
  failedState?: string;
}

export type StepHandler = (data: RunData, ctx: StepContext) => Promise<unknown>;

export const noopStepContext = (signal?: AbortSignal): StepContext => ({
  stream: false,
  emit: () => {},
  setStatus: async () => {},
  ...(signal ? { signal } : {}),
});
