import { z } from 'zod';
import { LoreError } from '../errors.js';
import type { RunData } from '../workflow/run-data.js';

/**
 * The event a step Lambda receives: the execution's state (the run data) for a plain Task, or
 * `{state, taskToken}` for the `.waitForTaskToken` approval task (toAsl's Parameters.Payload).
 * Only the turn input is checked here: the step outputs were written by our own steps, and each
 * step reports what it needs and is missing (`workflow data is missing …`).
 */
const turnInput = z.object({
  runId: z.string().min(1).max(256),
  traceId: z.string().min(1).max(256),
  tenantId: z.string().min(1).max(256),
  sessionId: z.string().min(1).max(256),
  userId: z.string().min(1).max(256),
  message: z.string(),
});
const runData = z.looseObject({ input: turnInput });
const parked = z.object({ state: runData, taskToken: z.string().min(1).max(2048) });

function parse<T>(schema: z.ZodType<T>, event: unknown, what: string): T {
  const r = schema.safeParse(event);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new LoreError('VALIDATION_FAILED', `${what}: ${i.path.join('.') || 'event'}: ${i.message}`);
}

export const parseRunData = (event: unknown): RunData => parse(runData, event, 'step event') as RunData;

export const parseParkedEvent = (event: unknown): { state: RunData; taskToken: string } =>
  parse(parked, event, 'approval task event') as { state: RunData; taskToken: string };
