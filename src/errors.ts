/**
 * Typed errors with stable codes. Every error that crosses a boundary (HTTP, CLI, tool result,
 * workflow step) is a LoreError so callers can branch on `code` instead of message text.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'MODEL_THROTTLED'
  | 'MODEL_TIMEOUT'
  | 'MODEL_UNAVAILABLE'
  | 'MODEL_ERROR'
  | 'MODEL_BAD_RESPONSE'
  | 'TOOL_NOT_FOUND'
  | 'TOOL_INPUT_INVALID'
  | 'TOOL_TIMEOUT'
  | 'TOOL_FAILED'
  | 'TOOL_REJECTED'
  | 'TOOL_OUTCOME_UNKNOWN'
  | 'MCP_TOOL_ERROR'
  | 'MCP_UNAVAILABLE'
  | 'ITERATION_LIMIT'
  | 'BUDGET_EXCEEDED'
  | 'ABORTED'
  | 'GUARDRAIL_BLOCKED'
  | 'APPROVAL_EXPIRED'
  | 'STORAGE_UNAVAILABLE'
  | 'INTERNAL';

/** HTTP status a code maps to when it reaches the API boundary. */
export const httpStatusFor: Record<ErrorCode, number> = {
  CONFIG_INVALID: 500,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  MODEL_THROTTLED: 503,
  MODEL_TIMEOUT: 504,
  MODEL_UNAVAILABLE: 503,
  MODEL_ERROR: 502,
  MODEL_BAD_RESPONSE: 502,
  TOOL_NOT_FOUND: 400,
  TOOL_INPUT_INVALID: 400,
  TOOL_TIMEOUT: 504,
  TOOL_FAILED: 500,
  TOOL_REJECTED: 403,
  // A mutating call was interrupted by a crash; repeating it could do it twice.
  TOOL_OUTCOME_UNKNOWN: 500,
  // An MCP server answered the call with an error (isError or a JSON-RPC error).
  MCP_TOOL_ERROR: 502,
  // The MCP server could not be reached (not started, crashed, reconnects exhausted).
  MCP_UNAVAILABLE: 503,
  ITERATION_LIMIT: 422,
  BUDGET_EXCEEDED: 429,
  ABORTED: 499,
  GUARDRAIL_BLOCKED: 422,
  APPROVAL_EXPIRED: 410,
  // The database disk is full, erroring or read-only: temporary, nothing was stored, retry later.
  STORAGE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

const RETRYABLE: ReadonlySet<ErrorCode> = new Set([
  'MODEL_THROTTLED',
  'MODEL_TIMEOUT',
  'MODEL_UNAVAILABLE',
]);

export class LoreError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LoreError';
    this.code = code;
    this.details = options.details;
  }

  /** Transient failures worth retrying with backoff (throttling, timeouts, 5xx). */
  get isRetryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  get httpStatus(): number {
    return httpStatusFor[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

export function isLoreError(e: unknown): e is LoreError {
  return e instanceof LoreError;
}

/** Wrap anything thrown into a LoreError, keeping the original as `cause`. */
export function toLoreError(e: unknown, fallback: ErrorCode = 'INTERNAL'): LoreError {
  if (e instanceof LoreError) return e;
  if (e instanceof Error && e.name === 'AbortError') return new LoreError('ABORTED', 'The operation was aborted', { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new LoreError(fallback, message, { cause: e });
}

export function abortError(signal?: AbortSignal): LoreError {
  const reason = signal?.reason;
  if (reason instanceof LoreError) return reason;
  return new LoreError('ABORTED', reason instanceof Error ? reason.message : 'The operation was aborted');
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}
