import { z } from 'zod';
import type { ModelProvider } from '../models/provider.js';
import { messageText } from '../models/types.js';

/**
 * The Mem0-style memory decision: one model call with a strict JSON reply saying whether a new
 * fact is new (ADD), changes an existing fact (UPDATE) or is already known (NOOP).
 */
export const DECISION_SYSTEM_PROMPT = `You maintain a knowledge base of facts. Compare the NEW FACT with the EXISTING FACTS and decide one event:
- ADD: no existing fact covers the new fact.
- UPDATE: an existing fact is about the same subject, and the new fact changes or corrects it. Give that fact's id.
- NOOP: an existing fact already states the new fact. Give that fact's id.
Reply with only a JSON object and nothing else:
{"event": "ADD" | "UPDATE" | "NOOP", "id": "<existing fact id, for UPDATE or NOOP>", "text": "<the fact to store, for ADD or UPDATE>", "reason": "<short reason>"}`;

const decisionSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('ADD'), text: z.string().min(1).optional(), reason: z.string().optional() }),
  z.object({ event: z.literal('UPDATE'), id: z.string().min(1), text: z.string().min(1).optional(), reason: z.string().optional() }),
  z.object({ event: z.literal('NOOP'), id: z.string().min(1), reason: z.string().optional() }),
]);

export type MemoryDecision = z.infer<typeof decisionSchema> & { fallback?: boolean };

export interface Candidate {
  id: string;
  text: string;
}

/** Parse the model's reply; null when it is not a valid decision about the given candidates. */
export function parseDecision(reply: string, candidateIds: ReadonlySet<string>): MemoryDecision | null {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let json: unknown;
  try {
    json = JSON.parse(reply.slice(start, end + 1));
  } catch {
    return null;
  }
  const parsed = decisionSchema.safeParse(json);
  if (!parsed.success) return null;
  if (parsed.data.event !== 'ADD' && !candidateIds.has(parsed.data.id)) return null;
  return parsed.data;
}

/** Ask the model; retry once on an invalid reply, then fall back to ADD (never lose a learning). */
export async function decideMemoryEvent(
  provider: ModelProvider,
  fact: string,
  candidates: Candidate[],
  signal?: AbortSignal,
): Promise<MemoryDecision> {
  if (!candidates.length) return { event: 'ADD', text: fact, reason: 'no similar facts' };
  const ids = new Set(candidates.map((c) => c.id));
  const user = `New fact: ${fact}\nExisting facts (JSON lines):\n${candidates.map((c) => JSON.stringify({ id: c.id, text: c.text.slice(0, 800) })).join('\n')}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await provider.converse(
      { system: [{ text: DECISION_SYSTEM_PROMPT }], messages: [{ role: 'user', content: [{ text: user }] }], inferenceConfig: { maxTokens: 300, temperature: 0 } },
      { signal },
    );
    const d = parseDecision(messageText(res.output.message), ids);
    if (d) return d;
  }
  return { event: 'ADD', text: fact, reason: 'model reply was not a valid decision', fallback: true };
}
