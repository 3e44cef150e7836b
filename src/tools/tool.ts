import type { z } from 'zod';
import { LoreError } from '../errors.js';

/** What a tool handler gets besides its input. */
export interface ToolContext {
  signal: AbortSignal;
  sessionId: string;
  userId: string;
  tenantId: string;
  traceId: string;
  runId?: string;
  /** Stable per call: pass it to external APIs that accept idempotency keys. */
  idempotencyKey: string;
}

export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Written for the model: what the tool does and when to use it. */
  description: string;
  /** Validates the input at call time (for a JSON-Schema tool, a validator built from `inputSchema`). */
  input: S;
  /**
   * The input schema as JSON Schema, for tools described by someone else (an MCP server). When set,
   * the model sees this schema verbatim instead of one derived from `input`. Build such tools with
   * `defineJsonSchemaTool` (json-schema-tool.ts), which derives `input` from it.
   */
  inputSchema?: { json: Record<string, unknown> };
  handler: (input: z.infer<S>, ctx: ToolContext) => unknown;
  /** Changes the world: executed at most once per run/step/call, recorded in the effect ledger. */
  mutating?: boolean;
  /** Always pause for a person, or decide per input (e.g. amount above a threshold). */
  requiresApproval?: boolean | ((input: z.infer<S>) => boolean);
  /** Safe to call again with the same input (a retry after a crash may re-run it). */
  idempotent?: boolean;
  timeoutMs?: number;
}

export type AnyTool = ToolDefinition<z.ZodType>;

/** Identity helper that keeps the handler's input typed from the schema. */
export function defineTool<S extends z.ZodType>(def: ToolDefinition<S>): ToolDefinition<S> {
  if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/.test(def.name)) {
    throw new LoreError('VALIDATION_FAILED', `tool name "${def.name}" must match ^[a-zA-Z][a-zA-Z0-9_-]{0,63}$ (Bedrock's toolSpec rule)`);
  }
  return def;
}
