import { createHash } from 'node:crypto';
import { systemPrompt } from '../memory/prompts.js';
import type { SystemContentBlock } from '../models/types.js';

/**
 * Step records keep references, not copies, of static content. The system prompt (persona + Lore's
 * instructions, ~1.7 KB) is the same on every turn of a deployment, yet BuildContext's output
 * carried it, so every run wrote it again (about two thirds of a turn's step JSON). The output now
 * holds `{ ref, sha256 }` in its place and Reason puts the text back from configuration.
 *
 * A run resumed after the persona changed gets the CURRENT prompt (configuration wins, as for every
 * other setting); the digest records which prompt the step originally saw, for the audit trail.
 */
export interface StaticRef {
  ref: typeof SYSTEM_PROMPT_REF;
  /** First 16 hex digits of the SHA-256 of the text the reference stands for. */
  sha256: string;
}

export const SYSTEM_PROMPT_REF = 'lore:system-prompt';

export type ContextSystemBlock = SystemContentBlock | StaticRef;

let last: { persona: string | undefined; text: string; digest: string } | undefined;

/** The static system prompt for a persona (undefined: the default) and its digest, computed once per persona. */
export function staticSystemPrompt(persona: string | undefined): { text: string; digest: string } {
  if (last?.persona !== persona || !last) {
    const text = systemPrompt(persona);
    last = { persona, text, digest: createHash('sha256').update(text).digest('hex').slice(0, 16) };
  }
  return last;
}

/** Replace the static prompt block with its reference. */
export function referenceStatic(blocks: SystemContentBlock[], persona: string | undefined): ContextSystemBlock[] {
  const prompt = staticSystemPrompt(persona);
  return blocks.map((b) => ('text' in b && b.text === prompt.text ? { ref: SYSTEM_PROMPT_REF, sha256: prompt.digest } : b));
}

/** Put the static text back (older records hold the text itself and pass through unchanged). */
export function resolveStatic(blocks: ContextSystemBlock[], persona: string | undefined): SystemContentBlock[] {
  return blocks.map((b) => ('ref' in b ? { text: staticSystemPrompt(persona).text } : b));
}
