import { sentenceCase } from './facts.js';
import { sentences } from './text.js';

/**
 * A speaker describing a lasting attribute of themself — where they are based, what they use or
 * prefer, who their manager is, how to reach them, their plan or tier — is what a model told to
 * remember users' preferences marks for memory, with no "remember" and no change word ("I'm based
 * in Lisbon.", "My preferred language is Portuguese.", "Best way to reach me is Slack."). The
 * runtime then decides it is about the user (a personal fact, never shared). A rule-based
 * stand-in: it reads the shape of first-person statements, not their meaning, and leaves out what
 * is a request, a passing state or a guess ("I need…", "I'm looking for…", "I think my…").
 */

/** Openers that add nothing: "btw, my…", "just so you know, I…". */
const LEAD = /^(?:(?:also|and|btw|by the way|fyi|oh|ok|okay|so|just so you know|for (?:your )?info(?:rmation)?)[,:;]?\s+)*/i;

/** Possessions that are the topic of a request or an apology, not an attribute: "my question is…", "my bad". */
const NOT_ATTRIBUTE = 'question|questions|bad|apologies|apology|pleasure|guess|problem|problems|issue|issues|concern|concerns|point|request|mistake|fault|worry|hope|plan is to|goal is to|idea';

/** "my <up to four words> is/are <something>": my time zone is CET, my manager's name is Oluwaseun. */
const MY_X_IS = new RegExp(`^my\\s+(?!(?:${NOT_ATTRIBUTE})\\b)[\\p{L}\\p{N}'’/-]+(?:\\s+[\\p{L}\\p{N}'’/-]+){0,3}?\\s+(?:is|are|'s|’s)\\s+(?!(?:not|no longer|missing|broken|late|wrong|stuck|gone|down|locked|still)\\b)\\S`, 'iu');

/** "the best way to reach me is…", "you can reach me on…": how to contact the speaker. */
export const REACH_ME = /^(?:the\s+)?(?:best|easiest|quickest|fastest|preferred)\s+way\s+to\s+(?:reach|contact|get hold of|call|message)\s+me\s+is\b|^you can (?:reach|contact|call|email|text|message) me\s+(?:at|on|via|by)\b/i;

/** "I'm a/an/the …", "I'm based in …", "I'm on the Gold tier", "I'm allergic to …": who or where the speaker is. */
const I_AM = /^(?:i'm|i’m|i am)\s+(?:a|an|the|based|located|from|on the|part of|in charge of|responsible for|allergic|vegetarian|vegan|left-handed|right-handed|colou?r-?blind|deaf|blind|married|retired|self-employed|fluent)\b/i;

/** "I live / work / use / prefer / bank with / go by / report to …": a habit or standing arrangement. */
const I_DO = /^i\s+(?:live|work|use|prefer|bank|speak|own|drive|commute|report to|go by|manage|lead|teach|study|only (?:use|work|speak|drink|eat)|don't (?:eat|drink|drive|use|work)|do not (?:eat|drink|drive|use|work))\b/i;

/**
 * The speaker's own account, in the first person plural a customer uses for their company: "we're
 * on the premium plan", "our account manager is Priya". About the asker, not the tenant's world:
 * another customer has another plan and another account manager.
 */
export const OUR_ACCOUNT =
  /^(?:we(?:'re|’re| are) (?:on|with) (?:the|a|an) [\p{L}\p{N} -]{1,30}? (?:plan|tier|package|subscription|contract|licen[cs]e)\b|our (?:account(?: manager| number| id| owner| rep(?:resentative)?)?|plan|tier|subscription|contract|licen[cs]e|customer (?:number|id)|billing (?:address|contact|email)|renewal date)\s+(?:is|are|'s|’s|was|renews|ends|expires)\b)/iu;

/** A guess, a wish or a hypothetical is not a fact about anyone. */
const HEDGE = /\b(?:i think|i guess|i believe|i suppose|maybe|perhaps|probably|possibly|might|not sure|unsure|if|whether|would like|wish|hope)\b/i;

/** Passing states and requests in the first person, even inside a matching shape: "I'm a bit confused". */
const PASSING = /^(?:i'm|i’m|i am)\s+(?:a (?:bit|little)|an? (?:idiot|fool))\b/i;

const QUESTION_START = /^(?:who|what|when|where|which|why|how|is|are|do|does|did|can|could|should|would|will|am)\b/i;

function isAttribute(sentence: string): boolean {
  const s = sentence.replace(LEAD, '').trim();
  if (!s || s.endsWith('?') || QUESTION_START.test(s) || HEDGE.test(s) || PASSING.test(s)) return false;
  return MY_X_IS.test(s) || REACH_ME.test(s) || I_AM.test(s) || I_DO.test(s) || OUR_ACCOUNT.test(s);
}

/**
 * The first-person attribute statements of a message, joined, or null when it has none (or asks
 * something anywhere). At most 400 characters: a long message is a story, not an attribute.
 */
export function detectPersonalFact(message: string): string | null {
  const text = message.trim();
  if (!text || text.length > 400 || text.includes('?')) return null;
  const kept = sentences(text)
    .filter(isAttribute)
    .map((s) => sentenceCase(s.replace(LEAD, '')));
  return kept.length ? kept.join(' ') : null;
}
