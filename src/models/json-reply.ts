import type { z } from 'zod';

/**
 * The JSON object a model was asked to reply with, validated: the span from the first `{` to the
 * last `}` (models wrap JSON in prose or code fences), parsed and checked against `schema`.
 * Null when there is none or it does not fit, so callers can retry or fall back.
 */
export function parseJsonReply<S extends z.ZodType>(reply: string, schema: S): z.infer<S> | null {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let json: unknown;
  try {
    json = JSON.parse(reply.slice(start, end + 1));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
