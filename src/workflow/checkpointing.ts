import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { WorkflowDefinition } from './definition.js';
import type { RunData } from './run-data.js';
import type { RunStore } from './run-store.js';
import type { RunRecord } from './types.js';

/**
 * Checkpoint bookkeeping: rebuilding a run's data from its step records (so completed steps are
 * never re-run), what each step records as its input, and leases that stop two engines from
 * executing one run at once.
 */

/** The step record a Catch writes: its output is the `{Error, Cause}` that HandleError reads. */
export const CATCH_STEP = 'Catch';

export function initialData(run: Pick<RunRecord, 'runId' | 'traceId' | 'tenantId' | 'sessionId' | 'userId' | 'message'>): RunData {
  return { input: { runId: run.runId, traceId: run.traceId, tenantId: run.tenantId, sessionId: run.sessionId, userId: run.userId, message: run.message } };
}

/** Replay the succeeded step outputs in order; a later output for the same key wins (Reason after an approval). */
export function rebuildData(def: WorkflowDefinition, run: RunRecord): RunData {
  const data = initialData(run) as unknown as Record<string, unknown>;
  for (const s of run.steps) {
    if (s.status !== 'succeeded') continue;
    if (s.step === CATCH_STEP) {
      data.error = s.output;
      continue;
    }
    const state = def.states[s.step];
    if (state?.type === 'task') data[state.resultKey] = s.output;
  }
  return data as unknown as RunData;
}

/** What a step read, for the audit trail. Large inputs another step already recorded are summarised. */
export function stepInput(state: string, data: RunData): unknown {
  switch (state) {
    case 'Dispatch':
    case 'RecordFeedback':
    case 'BuildContext':
      return { message: data.input.message, sessionId: data.input.sessionId };
    case 'Reason':
      return { messages: data.context?.messages.length ?? 0, retrieved: data.context?.retrieved ?? 0, approvals: data.approval?.decisions ?? [] };
    case 'AwaitApproval':
      return { pendingCalls: data.reason?.pendingCalls ?? [] };
    case 'HandleResponse':
      return { text: data.reason?.text ?? '', stopReason: data.reason?.stopReason };
    case 'UpdateKnowledge':
      return { learnings: data.response?.learnings ?? [] };
    case 'HandleError':
      return { error: data.error };
    default:
      return undefined;
  }
}

/** host/pid/instance: enough to tell a crashed holder on this machine from a live one. */
export function newOwnerId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/**
 * A holder on this host whose process is gone (SIGKILL, OOM) can be taken over at once instead of
 * waiting for its lease to run out. Other hosts' holders are trusted until expiry.
 */
export function isOwnerDead(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function acquireLease(runs: RunStore, p: { runId: string; owner: string; now: number; leaseMs: number }): Promise<boolean> {
  const base = { runId: p.runId, owner: p.owner, now: p.now, until: p.now + p.leaseMs };
  const first = await runs.claim(base);
  if (first.claimed) return true;
  if (first.holder && isOwnerDead(first.holder.owner)) return (await runs.claim({ ...base, takeOverFrom: first.holder.owner })).claimed;
  return false;
}
