import { content, sentenceCase, stripMarkers, tokens } from './facts.js';

/**
 * Recognise a user stating a new fact or a correction, the everyday ways people say it: with a
 * leading marker or without ("FYI …", "for the record …", "no, that's wrong, …"), in any tense,
 * with a change verb ("was moved to", "changes to", "we upgraded", "X left; the new head is Y"),
 * a time cue ("… now", "… these days", "since …"), or a short correction of what was just asked
 * ("it's 250 now"). Returns the fact with its markers removed, or null. Questions and
 * small talk are never learnings. A rule-based stand-in: it reads word patterns, not meaning.
 */

/** Change verbs in any tense (and a few nouns of change), as whole words. */
const CHANGE_VERBS =
  'chang|increas|decreas|rais|lower|reduc|bump|mov|switch|becam|becom|upgrad|downgrad|renam|replac|migrat|shorten|extend|' +
  'doubl|halv|postpon|push|delay|rewr[io]t|relocat|transferr?|promot|appoint|hir|join|left|leav|took over|tak\\w* over|' +
  'handed over|swapp|dropp?|cut|expand|discontinu|cancell?|retir|remov|stopp|end|clos|abolish|suspend|reinstat|restor|resum|reopen|' +
  'deprecat|decommission|updat|went|go(?:es)? (?:up|down)|got';
// Inflected only ("closed", "closes", "moving"): a bare verb is an imperative ("close account 9"), a request.
const CHANGE = new RegExp(`\\b(?:(?:${CHANGE_VERBS})(?:es|ed|d|s|ing|ten|en)|(?:will|'ll|going to) (?:${CHANGE_VERBS})\\w*|left|went|got|took over|became|become|cut|goes (?:up|down)|went (?:up|down))\\b`, 'i');
/** A request rather than a statement: "please …", "can you …", or a bare verb up front. */
const REQUEST = /^(?:please|kindly|can you|could you|would you|will you|let's|lets)\b|^(?:close|open|move|change|set|update|add|remove|delete|cancel|create|send|book|issue|refund|transfer|pay|order|run|deploy|schedule|raise|lower|increase|decrease|switch|rename|replace|migrate|extend|shorten|restore|stop|start)\b/i;
/**
 * A verb-like word up front that is the head of a noun phrase, not an imperative: a copula or a
 * "now" follows within a few words ("Deploy freeze is on Thursdays", "Order cutoff is 3pm",
 * "Order confirmations now come from …").
 */
const NOUN_SUBJECT = /^[\w-]+(?:\s+[\w'-]+){0,4}?\s+(?:is|are|was|were|has been|have been|now|no longer|nowadays)\b/i;
/** "X, not Y" / "X instead of Y" / "X rather than Y": a correction that names the old value. */
const CONTRAST = /,\s*not\s+[^\s,;]+(?:\s+[^\s,;]+)?\s*[.!]?$|\b(?:instead of|rather than)\b/i;
/** A present state marked as new or current. */
const TIME_CUE = /\b(?:now|these days|nowadays|from now on|(?:going|moving) forward|from here on(?: out)?|henceforth|until further notice|with immediate effect|no longer|not anymore|any ?more|instead|since|starting|as of|effective|(?:this|next|last) (?:week|month|year|quarter|sprint)|from (?:next|this|today|tomorrow|monday|tuesday|wednesday|thursday|friday|january|february|march|april|may|june|july|august|september|october|november|december))\b/i;
/** First person reporting what they (or their team) did. */
const FIRST_PERSON = /^(?:we|i|our team|the team|they|ops|it|hr|finance|legal|management)\b(?:'ve| have| had| just)?\s+\w+(?:ed|en)\b/i;
/** A short reply that corrects what was just asked: a pronoun subject or a bare value. */
const PRONOUN_FACT = /^(?:it|they|that|this|those|these|he|she)(?:'s|'re| is| are| was| were| has| have| changed| moved| got| went| will)\b/i;
/** "X is Y" or "X are Y" with a capitalised or numeric Y: a plain statement of a fact. */
const PLAIN_FACT = /\b(?:is|are|was|were|has|have)\b/i;

export function detectLearning(message: string): string | null {
  const text = message.trim();
  if (!text || text.endsWith('?') || text.length > 600) return null;
  if (/^(?:hi|hello|hey|thanks|thank you|good (?:morning|afternoon|evening)|ok|okay|cool|great|bye)\b[\s!.]*$/i.test(text)) return null;
  if (/^(?:who|what|when|where|which|why|how|is|are|do|does|did|can|could|should|would|will)\b/i.test(text)) return null;
  const { text: rest, marked } = stripMarkers(text);
  if (!rest) return null;
  if (!marked && REQUEST.test(text) && !NOUN_SUBJECT.test(text)) return null;
  const remember = /^\s*(?:please\s+)?(?:remember|keep in mind|bear in mind|note)\b/i.test(text);
  const signal = marked || remember || CONTRAST.test(rest) || CHANGE.test(rest) || TIME_CUE.test(rest) || FIRST_PERSON.test(rest) || PRONOUN_FACT.test(rest);
  if (!signal) return null;
  // A marker alone ("FYI", "no") with nothing factual after it is not a fact.
  const words = content(tokens(rest));
  if (words.length === 0) return null;
  if (!marked && !remember && !PLAIN_FACT.test(rest) && !CHANGE.test(rest) && !FIRST_PERSON.test(rest) && words.length < 2) return null;
  // Time cues stay: "now" tells the memory decision that a value changed; it drops them itself.
  const cleaned = rest.replace(/^that\s+/i, '');
  return cleaned ? sentenceCase(cleaned) : null;
}
