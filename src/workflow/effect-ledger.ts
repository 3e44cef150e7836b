/**
 * The effect ledger port: one row per mutating tool call, so a step re-run after a crash never
 * repeats a side effect. Consistency promised by every adapter: beginEffect is a conditional
 * insert (exactly one caller gets true per key, even across processes), and a completed effect's
 * result is readable by the next getEffect.
 */

/** One mutating tool call, keyed `runId:step:toolUseId`. */
export interface EffectRecord {
  key: string;
  runId: string;
  step: string;
  toolUseId: string;
  tool: string;
  status: 'started' | 'completed';
  /** The ToolOutcome (without the call), once completed. */
  result?: unknown;
  startedAt: number;
  completedAt?: number;
}

export interface EffectLedger {
  getEffect(params: { key: string }): Promise<EffectRecord | null>;
  /** Record "started" before running the call; false when a row for the key already exists. */
  beginEffect(params: { effect: Omit<EffectRecord, 'status' | 'result' | 'completedAt'> }): Promise<boolean>;
  completeEffect(params: { key: string; result: unknown; completedAt: number }): Promise<void>;
}
