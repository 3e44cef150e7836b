/**
 * A fact the user stated about themself is in their voice ("I'm based in Porto.", "My time zone is
 * CET."); said back to them it reads as the assistant talking about itself. Answering from the
 * user's own words, a model turns them to the second person ("You're based in Porto.").
 */

/** Sources whose text is the user's own words (memory-context.ts, context.ts). */
const USER_VOICE = /^(?:what the user told you about themself|this conversation|earlier in this conversation\b|summary of the user's session\b)/i;

export function isUserVoice(source: string): boolean {
  return USER_VOICE.test(source);
}

const SWAPS: Array<[RegExp, string]> = [
  [/\bI'm\b/g, "you're"],
  [/\bI’m\b/g, 'you’re'],
  [/\bI am\b/g, 'you are'],
  [/\bI've\b/g, "you've"],
  [/\bI’ve\b/g, 'you’ve'],
  [/\bI'd\b/g, "you'd"],
  [/\bI’d\b/g, 'you’d'],
  [/\bI'll\b/g, "you'll"],
  [/\bI’ll\b/g, 'you’ll'],
  [/\bI was\b/g, 'you were'],
  [/\bI\b/g, 'you'],
  [/\b[Mm]yself\b/g, 'yourself'],
  [/\b[Mm]ine\b/g, 'yours'],
  [/\b[Mm]y\b/g, 'your'],
  [/\b[Mm]e\b/g, 'you'],
  // The plural a customer uses for their company ("our account manager"): still the asker's.
  [/\b[Ww]e're\b/g, "you're"],
  [/\b[Ww]e’re\b/g, 'you’re'],
  [/\b[Ww]e are\b/g, 'you are'],
  [/\b[Ww]e\b/g, 'you'],
  [/\b[Oo]urs\b/g, 'yours'],
  [/\b[Oo]ur\b/g, 'your'],
  [/\bus\b/g, 'you'],
];

/** The sentence in the second person; a sentence without first-person words is unchanged. */
export function toSecondPerson(sentence: string): string {
  let out = sentence;
  for (const [from, to] of SWAPS) out = out.replace(from, to);
  if (out === sentence) return sentence;
  return out.replace(/^(\s*)(\p{Ll})/u, (_m, sp: string, c: string) => sp + c.toUpperCase());
}
