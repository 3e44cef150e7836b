import type { FeedbackStore } from '../learning/feedback-store.js';
import type { ApprovalStore } from './approval-store.js';
import type { EffectLedger } from './effect-ledger.js';
import type { RunStore } from './run-store.js';

/** The chat-feedback half of the feedback port: what the workflow's feedback step writes. */
export type RunFeedback = Pick<FeedbackStore, 'recordFeedback' | 'listFeedback'>;

/**
 * Everything the workflow engine persists, as one object: runs, approvals, the effect ledger and
 * chat feedback. One SQLite class implements all four; other backends may keep separate adapters
 * and join them with `workflowStore()`.
 */
export type WorkflowStore = RunStore & ApprovalStore & EffectLedger & RunFeedback;

/** Join four port implementations into the one object the engine takes (methods stay bound). */
export function workflowStore(p: { runs: RunStore; approvals: ApprovalStore; effects: EffectLedger; feedback: RunFeedback }): WorkflowStore {
  const { runs, approvals, effects, feedback } = p;
  return {
    createRun: (x) => runs.createRun(x),
    getRun: (x) => runs.getRun(x),
    getLease: (x) => runs.getLease(x),
    claim: (x) => runs.claim(x),
    release: (x) => runs.release(x),
    checkpoint: (x) => runs.checkpoint(x),
    listRunIds: (x) => runs.listRunIds(x),
    latestRun: (x) => runs.latestRun(x),
    listRuns: (x) => runs.listRuns(x),
    getProgress: <T>(x: { runId: string; step: string }) => runs.getProgress<T>(x),
    saveProgress: (x) => runs.saveProgress(x),
    createApprovals: (x) => approvals.createApprovals(x),
    getApproval: (x) => approvals.getApproval(x),
    listApprovals: (x) => approvals.listApprovals(x),
    decideApproval: (x) => approvals.decideApproval(x),
    expireApprovals: (x) => approvals.expireApprovals(x),
    getEffect: (x) => effects.getEffect(x),
    beginEffect: (x) => effects.beginEffect(x),
    completeEffect: (x) => effects.completeEffect(x),
    recordFeedback: (x) => feedback.recordFeedback(x),
    listFeedback: (x) => feedback.listFeedback(x),
  };
}
