/**
 * What an answer may say about memory. The model writes its reply before the runtime knows what
 * became of the turn's learnings, so a reply can claim too much ("I'll remember that") or ask for
 * what the user just said ("If you tell me, I'll remember it"). These rules remove such sentences;
 * the runtime's own notice (policy.ts `learningNotice`) then says what really happened.
 */

/** A sentence that promises to remember, or invites the user to tell it something. */
const CLAIM = /\b(?:i(?:'|’)ll|i will|i am going to|i'm going to)\s+(?:remember|keep that in mind|store|save|note)\b|\bif you tell me\b|\bi(?:'|’)ve (?:saved|stored|memori[sz]ed|noted)\b/i;

/**
 * A request up front: an imperative verb of asking the agent to do or find something ("Look up
 * order A-7", "Check the status of ticket 44", "Please translate this"). Verbs that are also nouns
 * at the start of a statement ("Check-in opens at 3", "Help desk hours are 9–5", "List price is
 * $40", "Refund requests need approval") count only before an object ("check the", "help me");
 * verbs that open statements ("Update: …", "Note that …", "Remember …") are not requests at all.
 */
const PLAIN_VERB = String.raw`look\s+up|lookup|pull\s+up|translate|explain|summari[sz]e|calculate|convert|describe|recommend|suggest|retrieve|fetch`;
const NOUN_VERB = String.raw`check|find|show|tell|give|get|help|send|book|open|cancel|write|draft|compare|list|refund|search|compute|email|call`;
const OBJECT = String.raw`me|us|the|a|an|my|our|this|that|these|those|it|them|all|whether|if|how|what|when|where|who|which|for|on|up|out`;
const REQUEST = new RegExp(
  String.raw`^(?:(?:please|pls|kindly)\s+(?:${PLAIN_VERB}|${NOUN_VERB})\b|(?:${PLAIN_VERB})\b(?!-)|(?:${NOUN_VERB})\s+(?:${OBJECT})\b)`,
  'i',
);

/** A message that asks rather than states (a question mark, a question word or a request up front). */
export function isQuestion(message: string): boolean {
  const t = message.trim();
  return t.endsWith('?') || /^(?:who|what|when|where|which|why|how|is|are|do|does|did|can|could|should|would|will)\b/i.test(t) || REQUEST.test(t);
}

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/);
}

/**
 * The answer without memory claims, when they cannot be true: `stored` = some learning of this
 * turn was stored, held for review or queued (its notice follows); `statement` = the user stated
 * something rather than asked. Claims go when nothing was stored (the runtime's notice speaks for
 * what was), and "tell me" invitations go after a statement. Returns the answer unchanged when it
 * has nothing to remove; a reply left empty becomes a plain, honest line.
 */
export function honestAnswer(answer: string, p: { stored: boolean; statement: boolean }): string {
  if (!CLAIM.test(answer)) return answer;
  const lines = answer.split('\n').map((line) =>
    sentencesOf(line)
      .filter((s) => !CLAIM.test(s) || (!p.statement && !p.stored && /\bif you tell me\b/i.test(s)))
      .join(' '),
  );
  // After a statement, "I don't have information about that" answers a question nobody asked.
  const kept = lines.map((l) => (p.statement ? l.replace(/\bI don't have information about that(?: yet)?\.\s*/i, '') : l));
  const out = kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  if (out) return out;
  return p.stored ? '' : "I haven't stored that as a fact.";
}
