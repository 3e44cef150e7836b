import type { NewRun } from '../../src/workflow/run-store.js';
import type { PendingApproval, RunResult, StepRecord } from '../../src/workflow/types.js';

/** Shared records for the workflow suites. */
export const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  runId: 'run_1',
  traceId: 'tr_1',
  tenantId: 't',
  sessionId: 's',
  userId: 'u',
  message: 'hi',
  currentState: 'Dispatch',
  createdAt: 1000,
  ...over,
});

export const step = (over: Partial<StepRecord> = {}): StepRecord => ({
  step: 'Dispatch',
  attempt: 1,
  status: 'succeeded',
  input: { m: 1 },
  output: { intent: 'question' },
  startedAt: 11,
  finishedAt: 12,
  ...over,
});

export const approval = (over: Partial<PendingApproval> = {}): PendingApproval => ({
  approvalId: 'apr_1',
  runId: 'run_1',
  tenantId: 't',
  userId: 'u',
  toolUseId: 'tu_1',
  tool: 'issue_refund',
  input: { amount: 5000 },
  reason: 'big',
  status: 'pending',
  createdAt: 1,
  expiresAt: 100,
  ...over,
});

export const result = (runId: string, totalTokens: number, over: Partial<RunResult> = {}): RunResult => ({
  runId,
  traceId: 'tr',
  sessionId: 's',
  status: 'COMPLETED',
  answer: 'ok',
  learnings: [],
  toolCalls: [],
  usage: { inputTokens: totalTokens - 1, outputTokens: 1, totalTokens },
  iterations: 1,
  ...over,
});
