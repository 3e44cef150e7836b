import type { Logger } from 'pino';
import type { ErrorCode } from '../errors.js';
import type { PendingApproval } from './types.js';

/**
 * Things an operator must hear about without polling: a failed run, a run parked for approval,
 * an approval that expired, a mutating call whose outcome a crash made unknown, a step retry.
 * Each one is a typed event for a callback (pager, queue, webhook) and a structured log line.
 */
export type OperatorEvent =
  | { type: 'run_failed'; runId: string; tenantId: string; sessionId: string; userId: string; state?: string; error: { code: ErrorCode; message: string }; at: number }
  | { type: 'approval_requested'; runId: string; tenantId: string; approvals: PendingApproval[]; at: number }
  | { type: 'approval_expired'; runId: string; tenantId: string; approvalId: string; tool: string; at: number }
  | { type: 'tool_outcome_unknown'; runId: string; tenantId: string; toolUseId: string; tool: string; at: number }
  | { type: 'guardrail_flagged'; runId: string; tenantId: string; userId: string; stage: string; action: string; kinds: string[]; categories: string[]; at: number }
  | { type: 'step_retry'; runId: string; state: string; attempt: number; delayMs: number; error: { code: ErrorCode; message: string }; at: number };

export function createOperatorNotifier(logger: Logger, callback?: (e: OperatorEvent) => void): (e: OperatorEvent) => void {
  return (e) => {
    const { type, ...fields } = e;
    const line = { event: type, ...fields };
    if (type === 'run_failed' || type === 'tool_outcome_unknown') logger.error(line, `workflow: ${type}`);
    else if (type === 'step_retry') logger.info(line, `workflow: ${type}`);
    else logger.warn(line, `workflow: ${type}`);
    try {
      callback?.(e);
    } catch (err) {
      // A broken hook must not turn a recorded failure into a stuck run.
      logger.error({ event: 'operator_hook_failed', err: err instanceof Error ? err.message : String(err) }, 'workflow: operator hook threw');
    }
  };
}
