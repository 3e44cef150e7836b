import type { PendingApproval } from './types.js';

/**
 * The approval port: human-in-the-loop decisions on tool calls. Consistency promised by every
 * adapter: an approval is decided at most once (decideApproval is a compare-and-set on
 * status = 'pending'), creation is idempotent per approval id, and a read after a write sees it.
 */
export interface ApprovalStore {
  /** Insert approvals; rows whose (runId, toolUseId) already exist are kept as they are. */
  createApprovals(params: { approvals: PendingApproval[] }): Promise<void>;
  getApproval(params: { approvalId: string; tenantId?: string }): Promise<PendingApproval | null>;
  listApprovals(params: { tenantId?: string; userId?: string; status?: PendingApproval['status']; runId?: string; limit?: number }): Promise<PendingApproval[]>;
  /** Settle a pending approval; false when it was no longer pending (someone else decided first). */
  decideApproval(params: { approvalId: string; status: Exclude<PendingApproval['status'], 'pending'>; decidedBy: string; decisionReason?: string; decidedAt: number }): Promise<boolean>;
  /** Mark pending approvals past their expiry as expired; returns the rows changed. */
  expireApprovals(params: { now: number }): Promise<PendingApproval[]>;
}
