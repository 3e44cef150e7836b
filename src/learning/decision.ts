import { z } from 'zod';
import type { ModelProvider } from '../models/provider.js';
import { messageText } from '../models/types.js';
import { parseJsonReply } from '../models/json-reply.js';

/**
 * The Mem0-style memory decision: one model call with a strict JSON reply saying whether a new
 * fact is new (ADD), changes an existing fact (UPDATE) or is already known (NOOP). Existing facts
 * are learnings and ingested document chunks alike (a chunk may hold several facts). The model also
 * writes the fact to store as a clean, self-contained sentence, resolving "it" from the
 * conversation the fact was stated in, and names facts an ADD disagrees with (a conflict it could
 * not settle: the runtime labels both in later contexts and records the case for review).
 */
export const DECISION_SYSTEM_PROMPT = `You maintain a knowledge base of facts. Compare the NEW FACT with the EXISTING FACTS and decide one event:
- ADD: no existing fact covers the new fact.
- UPDATE: an existing fact (a learning, or one sentence inside a document) is about the same subject, and the new fact changes or corrects it. Give that fact's id.
- NOOP: an existing fact already states the new fact. Give that fact's id.
The fact to store ("text") must be one clean, self-contained statement: drop filler and markers ("FYI", "actually", "no, that's wrong", "now"), and when the new fact says "it" or "they", name the subject from the CONVERSATION (the question it answers) or from the fact it updates.
For ADD, list in "conflicts" the ids of existing facts about the same subject that the new fact disagrees with but does not clearly replace.
Reply with only a JSON object and nothing else:
{"event": "ADD" | "UPDATE" | "NOOP", "id": "<existing fact id, for UPDATE or NOOP>", "text": "<the fact to store, for ADD or UPDATE>", "conflicts": ["<ids, ADD only>"], "reason": "<short reason>"}`;

const decisionSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('ADD'), text: z.string().min(1).optional(), conflicts: z.array(z.string().min(1)).max(20).optional(), reason: z.string().optional() }),
  z.object({ event: z.literal('UPDATE'), id: z.string().min(1), text: z.string().min(1).optional(), reason: z.string().optional() }),
  z.object({ event: z.literal('NOOP'), id: z.string().min(1), reason: z.string().optional() }),
]);

export type MemoryDecision = z.infer<typeof decisionSchema> & { fallback?: boolean };

export interface Candidate {
  id: string;
  text: string;
}

/** The exchange just before the fact was stated: what "it's 250 now" refers to. */
export interface Conversation {
  question?: string;
  answer?: string;
}

/** Parse the model's reply; null when it is not a valid decision about the given candidates. */
export function parseDecision(reply: string, candidateIds: ReadonlySet<string>): MemoryDecision | null {
  const d = parseJsonReply(reply, decisionSchema);
  if (!d) return null;
  if (d.event !== 'ADD' && !candidateIds.has(d.id)) return null;
  // Conflicts name existing facts; anything else the model wrote there is dropped, not trusted.
  if (d.event === 'ADD' && d.conflicts) {
    const conflicts = [...new Set(d.conflicts.filter((id) => candidateIds.has(id)))];
    const { conflicts: _drop, ...rest } = d;
    return conflicts.length ? { ...rest, conflicts } : rest;
  }
  return d;
}

/** The decision request's user text: conversation (when known), the new fact, the candidates. */
export function decisionRequest(fact: string, candidates: Candidate[], conversation?: Conversation): string {
  const talk = [
    conversation?.question ? `User: ${conversation.question.slice(0, 500)}` : '',
    conversation?.answer ? `Assistant: ${conversation.answer.slice(0, 500)}` : '',
  ].filter(Boolean);
  const context = talk.length ? `Conversation before the new fact:\n${talk.join('\n')}\n` : '';
  return `${context}New fact: ${fact}\nExisting facts (JSON lines):\n${candidates.map((c) => JSON.stringify({ id: c.id, text: c.text.slice(0, 800) })).join('\n')}`;
}

/**
 * Ask the model; retry once on an invalid reply, then fall back to ADD (never lose a learning).
 * With no candidates and no conversation there is nothing to compare or resolve: ADD, no call.
 */
export async function decideMemoryEvent(
  provider: ModelProvider,
  fact: string,
  candidates: Candidate[],
  signal?: AbortSignal,
  conversation?: Conversation,
): Promise<MemoryDecision> {
  if (!candidates.length && !conversation?.question && !conversation?.answer) return { event: 'ADD', text: fact, reason: 'no similar facts' };
  const ids = new Set(candidates.map((c) => c.id));
  const user = decisionRequest(fact, candidates, conversation);
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
