import { LoreError, toLoreError, type ErrorCode } from '../errors.js';
import type { ToolResultBlock } from '../models/types.js';
import { inputJsonSchema, type ToolRegistry } from './registry.js';
import type { AnyTool, ToolContext } from './tool.js';

export interface ToolCall {
  toolUseId: string;
  name: string;
  input: unknown;
}

export interface ToolOutcome {
  call: ToolCall;
  status: 'success' | 'error';
  /** The handler's value on success; the structured error on failure. */
  output: unknown;
  errorCode?: ErrorCode;
  latencyMs: number;
  /** True when the result came from the effect ledger instead of running the handler. */
  replayed?: boolean;
}

/** The structured error a model receives so it can correct itself. */
export interface ToolErrorPayload {
  error: { code: ErrorCode; message: string; expectedSchema?: unknown; hint: string; issues?: unknown };
}

function errorPayload(code: ErrorCode, message: string, hint: string, tool?: AnyTool, issues?: unknown): ToolErrorPayload {
  return {
    error: { code, message, hint, ...(tool ? { expectedSchema: inputJsonSchema(tool) } : {}), ...(issues ? { issues } : {}) },
  };
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  TOOL_TIMEOUT: 'The tool is slow or stuck; try a narrower request or answer without it.',
  MCP_TOOL_ERROR: "The tool's server reported an error; read the message, fix the input or try another approach.",
  MCP_UNAVAILABLE: "The tool's server is unreachable right now; answer without it or tell the user it is unavailable.",
};

/**
 * Run one tool call: look it up, validate its input, run it under a timeout and the caller's
 * signal. Never throws for tool problems: every failure becomes a structured error outcome.
 * Only the caller's own abort propagates as an exception.
 */
export async function executeToolCall(
  registry: ToolRegistry,
  call: ToolCall,
  ctx: Omit<ToolContext, 'signal' | 'idempotencyKey'> & { signal?: AbortSignal; idempotencyKey?: string },
  defaultTimeoutMs: number,
): Promise<ToolOutcome> {
  const started = performance.now();
  const done = (status: 'success' | 'error', output: unknown, errorCode?: ErrorCode): ToolOutcome => ({
    call,
    status,
    output,
    latencyMs: performance.now() - started,
    ...(errorCode ? { errorCode } : {}),
  });

  const tool = registry.get(call.name);
  if (!tool) {
    const available = registry.names();
    return done(
      'error',
      errorPayload('TOOL_NOT_FOUND', `No tool named "${call.name}"`, `Call one of: ${available.join(', ') || '(no tools available)'}`),
      'TOOL_NOT_FOUND',
    );
  }

  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
    return done(
      'error',
      errorPayload(
        'TOOL_INPUT_INVALID',
        `Invalid input for "${tool.name}": ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        'Call the tool again with input matching expectedSchema.',
        tool,
        issues,
      ),
      'TOOL_INPUT_INVALID',
    );
  }

  const timeoutMs = tool.timeoutMs ?? defaultTimeoutMs;
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new LoreError('TOOL_TIMEOUT', `Tool "${tool.name}" did not finish within ${timeoutMs} ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  try {
    const output = await Promise.race([
      Promise.resolve().then(() =>
        tool.handler(parsed.data, {
          ...ctx,
          signal: controller.signal,
          idempotencyKey: ctx.idempotencyKey ?? `${ctx.runId ?? ctx.traceId}:${call.toolUseId}`,
        }),
      ),
      timeout,
      aborted,
    ]);
    return done('success', output ?? null);
  } catch (e) {
    if (ctx.signal?.aborted) throw toLoreError(ctx.signal.reason ?? e, 'ABORTED');
    const err = toLoreError(e, 'TOOL_FAILED');
    const hint = HINTS[err.code] ?? 'The tool failed; check the input, try a different approach, or explain the failure to the user.';
    return done('error', errorPayload(err.code, err.message, hint, err.code === 'TOOL_FAILED' ? tool : undefined), err.code);
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onParentAbort);
  }
}

/** Render an outcome as the Converse toolResult block the model receives. */
export function outcomeToResultBlock(o: ToolOutcome): ToolResultBlock {
  const out = o.output;
  const content =
    typeof out === 'string'
      ? [{ text: out }]
      : out !== null && typeof out === 'object' && !Array.isArray(out)
        ? [{ json: out }]
        : [{ json: { result: out } }];
  return { toolResult: { toolUseId: o.call.toolUseId, content, status: o.status } };
}
