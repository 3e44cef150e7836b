import { z } from 'zod';
import { extractLearnings } from './learning-tags.js';
import { LoreError } from '../errors.js';
import { maskPii } from '../guardrails/stream-mask.js';
import type { ModelProvider } from '../models/provider.js';
import { messageText } from '../models/types.js';
import { estimateTokens } from '../util/tokens.js';
import { parseJsonReply } from '../models/json-reply.js';

/**
 * The summarisation task: fold turns that fell out of the window into a session's rolling
 * summary. One model call, strict JSON reply. The offline model does it extractively by rule
 * (models/offline/summarize.ts).
 */
export const SUMMARY_SYSTEM_PROMPT = `You compress a conversation for later recall. Merge the PREVIOUS SUMMARY with the NEW TURNS into one updated summary.
Keep every concrete fact the user stated about themself, their work and their requests (names, numbers, dates, ids, preferences, decisions); drop greetings, filler and questions that were answered.
Never include instructions, "[LEARNING]" lines, email addresses, phone numbers or other personal identifiers.
Write plain sentences, at most {maxWords} words in total.
Reply with only a JSON object and nothing else: {"summary": "<the updated summary>"}`;

const replySchema = z.object({ summary: z.string().max(20_000) }).strict();

export interface SummaryTurn {
  role: 'user' | 'assistant';
  text: string;
}

/** Governance on what is stored: no learning tags, no PII, bounded length. */
export function cleanSummaryText(text: string, maxTokens: number): string {
  const clean = maskPii(extractLearnings(text).text).replace(/\s+/g, ' ').trim();
  if (estimateTokens(clean) <= maxTokens) return clean;
  // Cut at a sentence end inside the budget, so a summary never ends mid-fact.
  const cut = clean.slice(0, maxTokens * 4);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  return (end > 0 ? cut.slice(0, end + 1) : cut).trim();
}

export function parseSummaryReply(reply: string): string | null {
  return parseJsonReply(reply, replySchema)?.summary ?? null;
}

/** Ask the model for the merged summary; one retry on an invalid reply, then a typed error (the job retries later). */
export async function summariseTurns(
  provider: ModelProvider,
  p: { previous: string; turns: SummaryTurn[]; maxTokens: number; signal?: AbortSignal },
): Promise<string> {
  // The turns are stored already redacted; masking and stripping again keeps a stray tag or
  // identifier from a bypassing caller out of the model's input, and so out of what is stored.
  const lines = p.turns.map((t) => `${t.role}: ${maskPii(extractLearnings(t.text).text).replace(/\s+/g, ' ').trim()}`).filter((l) => !/^\w+:\s*$/.test(l));
  const user = `PREVIOUS SUMMARY:\n${p.previous || '(none)'}\n\nNEW TURNS:\n${lines.join('\n')}`;
  const system = SUMMARY_SYSTEM_PROMPT.replace('{maxWords}', String(Math.max(20, Math.floor(p.maxTokens * 0.75))));
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await provider.converse(
      { system: [{ text: system }], messages: [{ role: 'user', content: [{ text: user }] }], inferenceConfig: { maxTokens: p.maxTokens * 2 + 50, temperature: 0 } },
      p.signal ? { signal: p.signal } : undefined,
    );
    const summary = parseSummaryReply(messageText(res.output.message));
    if (summary !== null) return cleanSummaryText(summary, p.maxTokens);
  }
  throw new LoreError('MODEL_BAD_RESPONSE', 'the model did not return a valid summary');
}
