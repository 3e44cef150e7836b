import type { RunData } from '../workflow/run-data.js';

/**
 * Where a parked AwaitApproval task keeps its Step Functions task token until a person decides.
 * Keyed by run (one AwaitApproval task is open per run at a time); the run data is kept with it so
 * the decision path can compute the step's output without the execution's state. `take` removes
 * the record atomically: whoever takes it sends SendTaskSuccess/Failure, so a run resumes once.
 */
export interface ParkedTask {
  runId: string;
  tenantId: string;
  taskToken: string;
  state: RunData;
  parkedAt: number;
}

export interface TaskTokenStore {
  park(t: ParkedTask): Promise<void>;
  get(runId: string): Promise<ParkedTask | null>;
  /** Remove and return the record; null when another caller took it first. */
  take(runId: string): Promise<ParkedTask | null>;
}
