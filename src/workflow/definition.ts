import type { ErrorCode } from '../errors.js';
import type { RunStatus } from './types.js';

/**
 * The turn workflow as data. The local engine interprets it and `toAsl()` compiles it to Amazon
 * States Language, so both runtimes share one source of truth for routing, retries and catches.
 * Semantics follow Step Functions: `maxAttempts` counts retries after the first try, each retrier
 * keeps its own attempt counter, the wait before retry n (0-based) is intervalMs * backoffRate^n.
 */

/** `*` matches every error, like `States.ALL`. */
export type ErrorMatcher = ErrorCode | '*';

export interface RetryPolicy {
  errorEquals: ErrorMatcher[];
  intervalMs: number;
  maxAttempts: number;
  backoffRate: number;
  maxDelayMs?: number;
}

export interface CatchRoute {
  errorEquals: ErrorMatcher[];
  next: string;
}

/** Where a step's output lands in the run data (ASL ResultPath `$.<key>`). */
export type ResultKey = 'dispatch' | 'feedback' | 'context' | 'reason' | 'approval' | 'response' | 'knowledge' | 'failure';

export interface TaskState {
  type: 'task';
  resultKey: ResultKey;
  next: string;
  retry: RetryPolicy[];
  catch: CatchRoute[];
  /** Status shown while the step runs, and once it has finished. */
  statusOnEnter?: RunStatus;
  statusOnExit?: RunStatus;
  /** Waits for a person: `.waitForTaskToken` in ASL, AWAITING_APPROVAL in the local engine. */
  waitForApproval?: boolean;
}

/** One Choice rule: a dotted path into the run data compared with a constant. */
export interface ChoiceRule {
  variable: string;
  stringEquals?: string;
  booleanEquals?: boolean;
  next: string;
}

export interface ChoiceState {
  type: 'choice';
  choices: ChoiceRule[];
  default: string;
}

export interface SucceedState {
  type: 'succeed';
}

/** Reads its error from `errorPath`/`causePath` like ASL Fail's ErrorPath/CausePath. */
export interface FailState {
  type: 'fail';
  errorPath: string;
  causePath: string;
}

export type StateDef = TaskState | ChoiceState | SucceedState | FailState;

export interface WorkflowDefinition {
  name: string;
  version: string;
  startAt: string;
  states: Record<string, StateDef>;
}

/** Transient model failures: throttling, timeouts, 5xx. Everything else is a bug or a bad input. */
export const RETRYABLE_MODEL_ERRORS: ErrorCode[] = ['MODEL_THROTTLED', 'MODEL_TIMEOUT', 'MODEL_UNAVAILABLE'];

// Whole seconds because ASL IntervalSeconds is an integer; tests scale the wait down.
const modelRetry: RetryPolicy = { errorEquals: RETRYABLE_MODEL_ERRORS, intervalMs: 1000, maxAttempts: 3, backoffRate: 2, maxDelayMs: 20_000 };
const toHandleError: CatchRoute = { errorEquals: ['*'], next: 'HandleError' };

function task(resultKey: ResultKey, next: string, extra: Partial<TaskState> = {}): TaskState {
  return { type: 'task', resultKey, next, retry: [modelRetry], catch: [toHandleError], ...extra };
}

export const turnWorkflow: WorkflowDefinition = {
  name: 'lore-turn',
  version: '1',
  startAt: 'Dispatch',
  states: {
    // Validate and classify intent through the model.
    Dispatch: task('dispatch', 'InputGuard', { statusOnEnter: 'INITIATED' }),
    // A message the input guardrail blocked gets a safe answer: no model call, no tools, no learning.
    InputGuard: {
      type: 'choice',
      choices: [{ variable: '$.dispatch.blocked', booleanEquals: true, next: 'Refuse' }],
      default: 'RouteIntent',
    },
    Refuse: task('response', 'Done', { statusOnExit: 'RESPONDED' }),
    RouteIntent: {
      type: 'choice',
      choices: [{ variable: '$.dispatch.intent', stringEquals: 'feedback', next: 'RecordFeedback' }],
      default: 'BuildContext',
    },
    // Feedback is about an earlier answer: record it, acknowledge, skip the ReAct loop.
    RecordFeedback: task('feedback', 'Done', { statusOnExit: 'RESPONDED' }),
    BuildContext: task('context', 'Reason', { statusOnExit: 'CONTEXT_BUILT' }),
    Reason: task('reason', 'NeedsApproval', { statusOnEnter: 'REASONING' }),
    NeedsApproval: {
      type: 'choice',
      choices: [{ variable: '$.reason.awaitingApproval', booleanEquals: true, next: 'AwaitApproval' }],
      default: 'HandleResponse',
    },
    // Retries do not apply: the wait is for a person, not a flaky dependency.
    AwaitApproval: { type: 'task', resultKey: 'approval', next: 'Reason', retry: [], catch: [toHandleError], waitForApproval: true, statusOnEnter: 'AWAITING_APPROVAL' },
    HandleResponse: task('response', 'HasLearnings', { statusOnExit: 'RESPONDED' }),
    HasLearnings: {
      type: 'choice',
      choices: [{ variable: '$.response.hasLearnings', booleanEquals: true, next: 'UpdateKnowledge' }],
      default: 'Done',
    },
    UpdateKnowledge: task('knowledge', 'Done', { statusOnEnter: 'LEARNING' }),
    Done: { type: 'succeed' },
    // Records the reason and tells an operator; never retried so a broken hook cannot loop.
    HandleError: { type: 'task', resultKey: 'failure', next: 'Failed', retry: [], catch: [] },
    Failed: { type: 'fail', errorPath: '$.failure.code', causePath: '$.failure.message' },
  },
};

export function matchesError(matchers: ErrorMatcher[], code: string): boolean {
  return matchers.some((m) => m === '*' || m === code);
}

/** Read a `$.a.b` path from run data (only the dotted form the definition uses). */
export function readPath(data: unknown, path: string): unknown {
  if (!path.startsWith('$.')) throw new Error(`unsupported path ${path}`);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), data);
}

/** The state a Choice routes to for this data. */
export function choose(state: ChoiceState, data: unknown): string {
  for (const rule of state.choices) {
    const v = readPath(data, rule.variable);
    if (rule.stringEquals !== undefined && v === rule.stringEquals) return rule.next;
    if (rule.booleanEquals !== undefined && v === rule.booleanEquals) return rule.next;
  }
  return state.default;
}

/** Delay before retry number `attempt` (0-based) of a policy. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const d = policy.intervalMs * policy.backoffRate ** attempt;
  return policy.maxDelayMs === undefined ? d : Math.min(d, policy.maxDelayMs);
}

/** Catch a structurally broken definition at construction, not mid-run. */
export function validateDefinition(def: WorkflowDefinition): void {
  const names = new Set(Object.keys(def.states));
  const must = (target: string, from: string) => {
    if (!names.has(target)) throw new Error(`workflow ${def.name}: state "${from}" points to unknown state "${target}"`);
  };
  must(def.startAt, '(startAt)');
  for (const [name, s] of Object.entries(def.states)) {
    if (s.type === 'task') {
      must(s.next, name);
      for (const c of s.catch) must(c.next, name);
      for (const r of s.retry) if (r.maxAttempts < 0 || r.intervalMs < 0 || r.backoffRate < 1) throw new Error(`workflow ${def.name}: bad retry policy in "${name}"`);
    } else if (s.type === 'choice') {
      must(s.default, name);
      for (const c of s.choices) must(c.next, name);
    }
  }
}
