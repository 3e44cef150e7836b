import { content, NEW_HOLDER, sentenceCase, stripMarkers, tokens } from './facts.js';
import { ML_CHANGE, ML_HEDGE, mlQuestion, ML_TIME_CUE } from './lexicon-multilingual.js';

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
const CHANGE = new RegExp(`\\b(?:(?:${CHANGE_VERBS})(?:es|ed|d|s|ing|ten|en)|(?:will|'ll|going to) (?:${CHANGE_VERBS})\\w*|left|went|got|took over|became|become|cut|goes (?:up|down)|went (?:up|down)|gone (?:from|to|up|down|back))\\b`, 'i');
/** A request rather than a statement: "please …", "can you …", or a bare verb up front. */
const REQUEST = /^(?:please|kindly|can you|could you|would you|will you|let's|lets)\b|^(?:close|open|move|change|set|update|add|remove|delete|cancel|create|send|book|issue|refund|transfer|pay|order|run|deploy|schedule|raise|lower|increase|decrease|switch|rename|replace|migrate|extend|shorten|restore|stop|start)\b/i;
/**
 * A verb-like word up front that is the head of a noun phrase, not an imperative: a copula or a
 * "now" follows within a few words ("Deploy freeze is on Thursdays", "Order cutoff is 3pm",
 * "Order confirmations now come from …").
 */
const NOUN_SUBJECT = /^[\w-]+(?!\s+(?:the|a|an|my|our|your|their|this|that|these|those|it|them|me|us|him|her)\b)(?:\s+[\w'-]+){0,4}?\s+(?:is|are|was|were|has been|have been|now|no longer|nowadays)\b/i;
/**
 * A compound noun up front ("Send day for the staff newsletter is …"): the verb-like word is followed
 * by a noun, not by the determiner, pronoun or count an imperative's object starts with, and a copula
 * follows within a few words.
 */
const COMPOUND_SUBJECT = /^[\w-]+\s+(?!(?:the|a|an|my|our|your|their|his|her|its|this|that|these|those|it|them|me|us|him|all|every|each|some|any|no|one|two|three|four|five|ten|\d[\w.,:-]*)\b)[a-z][\w'-]*(?:\s+[\w'-]+){0,5}?\s+(?:is|are|was|were|has been|have been)\b/i;
/**
 * The same for a plural head ("Refund approvals go through …", "Schedule changes for ward nurses
 * need …"): the verb-like word is followed by a plural noun and then a finite verb that agrees with
 * it. An imperative takes an object with a determiner ("Schedule the changes"), rarely a bare plural
 * followed by a second verb.
 */
const PLURAL_SUBJECT = /^[\w-]+\s+(?!(?:is|us|this|his|its|was|has|does|yes|as|always|perhaps|news|less|unless|across|towards|plus|thus)\b)[a-z-]+s\s+(?:(?:for|of|in|at|on|from|to|by|with)\s+(?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?\s+)?(?:now\s+)?(?:go|need|get|take|come|run|require|cost|must|should|can|will|have|happen|close|open|start|end|last|ship|arrive|leave|use|stay|remain|follow|apply|expire|count|move|belong|fall|sit|live|include|cover)\b/i;
/** "X, not Y" / "X instead of Y" / "X rather than Y": a correction that names the old value. */
const CONTRAST = /,\s*not\s+[^\s,;]+(?:\s+[^\s,;]+)?\s*[.!]?$|\b(?:instead of|rather than)\b/i;
/** Scripts written without spaces between words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** A present state marked as new or current. */
const TIME_CUE = /\b(?:now|these days|nowadays|from now on|(?:going|moving) forward|from here on(?: out)?|henceforth|until further notice|with immediate effect|no longer|not anymore|any ?more|instead|since|starting|as of|effective|(?:this|next|last) (?:week|month|year|quarter|sprint)|from (?:next|this|today|tomorrow|monday|tuesday|wednesday|thursday|friday|january|february|march|april|may|june|july|august|september|october|november|december))\b/i;
/** First person reporting what they (or their team) did. */
const FIRST_PERSON = /^(?:we|i|our team|the team|they|ops|it|hr|finance|legal|management)\b(?:'ve| have| had| just)?\s+(?!(?:need|heed|plead|proceed|succeed|exceed|feed|speed|open|listen|happen|often|even|threaten)\b)\w+(?:ed|en)\b/i;
/** A short reply that corrects what was just asked: a pronoun subject or a bare value. */
const PRONOUN_FACT = /^(?:it|they|that|this|those|these|he|she)(?:'s|'re| is| are| was| were| has| have| changed| moved| got| went| will)\b/i;
/**
 * Hedges, hearsay, guesses, hypotheticals and proposals: the speaker does not assert the fact, so
 * it is not learned whatever else the message says ("I think maybe …", "… probably …", "I heard …
 * might …", "if the limit were …", "suppose …", "we should move …", "not confirmed yet").
 */
const HEDGE = /\b(?:i (?:think|believe|guess|suppose|assume|reckon|suspect|doubt|wonder|heard|hear)|i've heard|we heard|(?:someone|somebody|people|they) (?:told me|said|say|says)|word is|reportedly|(?:i|we) hope|hopefully|(?:can't|cannot|don't|do not) remember|correct me if|not (?:\d+ ?%|100 percent|completely|entirely|totally|quite|really|fully) (?:sure|certain)|double check|(?:i'm|i am|we're|we are) not (?:sure|certain)|not sure|unsure|not certain|no idea|i don't know|i do not know|i don't think|i do not think|maybe|perhaps|probably|possibly|presumably|supposedly|allegedly|apparently not|rumou?r(?:ed|s)?|might|could|would|not (?:yet )?confirmed|unconfirmed|to be confirmed|tbc|tbd|(?:i'd|i would|i need to|i have to|i'll|we need to|need to) (?:have to )?(?:check|verify|confirm|double-check)|double-check|if i remember (?:correctly|right)|iirc|afaik|as far as i know)\b/i;
/** "may" as a modal ("might/may cost"), not the month ("held in May", "May 5"). */
const MAY_MODAL = /(?<!\b(?:in|on|of|by|until|till|since|from|early|late|mid|end|before|after|during|through)\s)\bmay\b(?!\s+\d)/;
const HYPOTHETICAL = /^(?:if|suppose|supposing|imagine|assuming|assume|what if|hypothetically|in case|say|let's say|even if|unless)\b|\bif\b[^.;]*\b(?:were|would|had)\b/i;
/** A proposal by the speaker ("we should move …", "how about …"), not a state. */
const PROPOSAL = /^(?:(?:maybe|perhaps)\s+)?(?:we|i|you|they|someone|somebody)\s+(?:should|ought to|could|might|may|must)\b|^(?:how about|what about|why don't we|shall we|i suggest|i propose|i'd suggest|i would suggest|suggestion)\b/i;

export function hedged(text: string): boolean {
  return HEDGE.test(text) || MAY_MODAL.test(text) || HYPOTHETICAL.test(text) || PROPOSAL.test(text) || ML_HEDGE.test(text);
}

/** "X is Y" or "X are Y" with a capitalised or numeric Y: a plain statement of a fact. */
const PLAIN_FACT = /\b(?:is|are|was|were|has|have)\b/i;

/** Words of judgement and courtesy: about an answer or the talk, never a value. */
const REMARK = new Set(
  `fine ok okay good great perfect clear helpful useful thanks thank cheers awesome nice cool alright right correct sorted
  understood sense makes make lovely brilliant excellent super fair enough noted much lot`.split(/\s+/),
);

/** "Order 88412 ships tomorrow", "Ticket #4711 is closed": a noun and its number name one thing. */
const INSTANCE = /^(?:the\s+)?\p{L}[\p{L}-]*\s+(?:no\.?\s*|number\s+|#)?\d[\d-]{2,}\s+\p{L}/iu;

/** Checks a statement against the facts the model can see: true when it gives another value for one of them. */
export type Contradicts = (fact: string) => boolean;

const QUESTION_START = /^(?:who|what|when|where|which|why|how|whose|whom|is|are|was|were|do|does|did|can|could|should|would|will|has|have|had)\b/i;
/** "I …", "my …": a statement about the speaker, for the user's own memory, not a correction of a known fact. */
const ABOUT_SPEAKER = /^(?:i|i'm|i've|i'd|i'll|my|me|mine)\b/i;

/**
 * A plain statement of a new fact, as a model told to mark new facts marks it ("The greenhouse
 * irrigation runs at 04:00 every morning."): an English subject (a determiner and a noun, or a
 * capitalised name) and a present-tense verb, with a value after the verb. Not the speaker, the
 * listener or their team (personal.ts owns those), not a past or planned event, not a remark about
 * this conversation, not a restatement ("still", "again"), and not another language.
 */
const PLAIN_SUBJECT = /^(?:(?:[Tt]he|[Aa]n?|[Ee]very|[Ee]ach|[Aa]ll)\s+\p{L}[\p{L}\d'-]*(?:\s+[\p{L}\d'-]+){0,6}?|(?!(?:It|This|That|There|Here|He|She|They|Everyone|Everybody|Nobody|Someone|Something|Everything|Best|Het|Es|Er|Sie|Das|Der|Die|Den|Il|Elle|Ce|Lo|La|El|Le|Les|Los|Las|Our|We|My|You|Your)\b)\p{Lu}[\p{L}\d-]*(?:\s+\p{Lu}[\p{L}\d-]*){0,2})\s+(?:is|are|runs|opens|starts|begins|takes|costs|happens|meets|ships|sits|lives|holds|uses|needs|requires|expires|lasts|belongs|leaves|arrives|departs|covers|includes|stores|handles|owns|leads|manages|hosts|sends|goes|has|have|renews|resets|operates|applies|charges|rotates|gets|pays|accepts|allows|supports|serves|stays|remains|contains|offers|provides|run|open|start|begin|take|cost|happen|meet|ship|sit|live|hold|use|need|require|expire|last|belong|leave|arrive|depart|cover|include|go|renew|reset|apply|rotate|get|accept|allow|support|serve|stay|remain|contain|offer|provide)\b/u;
const PLAIN_EXCLUDED = /\b(?:i|i'm|i've|i'd|i'll|me|my|mine|we|we're|we've|we'd|we'll|us|our|ours|you|your|yours|you're|let's|this|that|these|those|here|today|tonight|yesterday|tomorrow|again|still|already|also|too|anyway|usual|always|just|one|ones|was|were|had|did|will|would|shall|going|won't|not|no|never|n't|broken|down|jammed|fine|great|good|bad|nice|terrible|awful|well|slow|busy|late)\b|n't\b/i;

const HOW_IT_WENT = /\b(?:went|goes|going|gone|turned out|worked out)\s+(?:really\s+|very\s+|quite\s+|pretty\s+|so\s+)?(?:well|badly|fine|great|smoothly|ok|okay|alright|nicely|poorly|better|worse|perfectly|brilliantly|terribly)\b[\s.!]*$/i;

function plainNewFact(text: string): boolean {
  const m = PLAIN_SUBJECT.exec(text);
  if (!m || PLAIN_EXCLUDED.test(text) || /[?;]|:\s/.test(text) || UNSPACED.test(text)) return false;
  const after = text.slice(m[0].length);
  return content(tokens(text)).length >= 3 && content(tokens(after)).some((w) => w.value);
}

/**
 * The facts a message states, one per independent sentence ("X opens at 7:30 now. Also, the kitchen
 * moved to floor 4." gives two); a question the user answers in the same message ("who owns billing
 * now? it's Dana") gives the question and its answer as one fact. With `contradicts`, a bare
 * statement without any marker or cue counts when it gives another value for a fact the model can see
 * ("The on-call rotation is weekly." when the context says daily), as a reader of both would take it.
 */
export function detectLearnings(message: string, contradicts?: Contradicts, afterQuestion = false): string[] {
  // "its 5.4 now", "theyre on Fridays": the apostrophe people leave out of a leading "it's".
  const text = message.trim().replace(/^(it|they|that)(s|re)\b(?=\s+(?:now|actually|still|[\p{N}$€£]|\p{Lu}|on|at|in|every|the|a|an|only)\b)/iu, "$1'$2");
  if (!text || text.length > 600) return [];
  // "Since the quota is now 100 GB, can we …?": the question takes its leading clause as given.
  const given = PRESUPPOSED.exec(text)?.[1];
  if (given && !hedged(given)) {
    const fact = detect(given, contradicts, false);
    if (fact) return [fact];
  }
  if (hedged(text)) return [];
  const qa = questionAnswer(text);
  if (qa) return [qa];
  const whole = detect(text, contradicts, false, afterQuestion);
  const parts = statements(text);
  if (parts.length < 2) return whole ? [whole] : [];
  const marked = stripMarkers(text).marked;
  const each = parts.map((p, i) => detect(p, contradicts, marked && i > 0)).filter((f): f is string => !!f);
  return each.length ? each : whole ? [whole] : [];
}

/**
 * A question led by a clause it presupposes ("since …", "now that …", "given that …", "as …"): the
 * speaker asserts the clause and asks about something else, so the clause is a statement.
 */
const PRESUPPOSED = /^(?:since|now that|given that|seeing (?:as|that)|considering(?: that)?|because|as)\s+([^?]+?),\s*(?:(?:so|then|and)\s+)?(?:can|could|should|shall|do|does|did|will|would|is|are|may|must|how|what|when|where|who|which|why|any|anything)\b[^?]*\?\s*$/i;

/** "The support team has a new lead: Pedro Alves." → "The support team lead is Pedro Alves now." (the plain statement). */
function newHolder(text: string): string {
  const m = /^(.+?)\s+(?:has|have|got)\s+(?:a|an)\s+new\s+([\w'-]+(?:\s+[\w'-]+){0,2}?)\s*(?::|,|—|–|\s-)\s*([A-Z0-9].*?)[.!]?$/.exec(text);
  return m ? `${m[1]} ${m[2]} is ${m[3]} now` : text;
}

/** The first fact of a message, or null (see detectLearnings). */
export function detectLearning(message: string, contradicts?: Contradicts): string | null {
  return detectLearnings(message, contradicts)[0] ?? null;
}

/** A message's sentences; one that leans on the one before ("It closes at 10pm.") stays with it. */
function statements(text: string): string[] {
  const out: string[] = [];
  // ", and the training room is on floor 1": a second subject with its own verb is a second statement.
  // A title's dot ("Dr. Osei") ends none.
  for (const p of text.split(/(?<=[.!])(?<!\b(?:Dr|Prof|Mr|Mrs|Ms|Mx|St|Sr|Jr|Rev|Capt|Col|Gen|Lt|Sgt)\.)\s+(?=\p{Lu})|,\s+and\s+(?=(?:the|our|their|its)\s)/u)) {
    if (out.length && /^(?:it|they|that|this|those|these|he|she|which|so|but|and|then|there)\b/i.test(p)) out[out.length - 1] += ` ${p}`;
    else out.push(p);
  }
  return out;
}

/** "who owns the billing system now? it's Dana Whitfield": the question with its answer, or null. */
function questionAnswer(text: string): string | null {
  const at = text.lastIndexOf('?');
  if (at <= 0 || at === text.length - 1) return null;
  const question = stripMarkers(text.slice(0, at + 1)).text;
  const answer = stripMarkers(text.slice(at + 1).trim()).text;
  if (!(QUESTION_START.test(question) || mlQuestion(question)) || !answer || answer.includes('?')) return null;
  const words = content(tokens(answer));
  const bare = words.length > 0 && words.length <= 4 && words.every((t) => t.value);
  if (!(PRONOUN_FACT.test(answer) || bare || detect(answer, undefined, false))) return null;
  return `${sentenceCase(question)} ${sentenceCase(answer)}`;
}

function detect(message: string, contradicts: Contradicts | undefined, inherited: boolean, afterQuestion = false): string | null {
  const text = message.trim();
  if (!text || text.endsWith('?') || text.length > 600) return null;
  if (/^(?:hi|hello|hey|thanks|thank you|good (?:morning|afternoon|evening)|ok|okay|cool|great|bye)\b[\s!.]*$/i.test(text)) return null;
  if (/^(?:who|what|when|where|which|why|how|is|are|do|does|did|can|could|should|would|will)\b/i.test(text) || mlQuestion(text)) return null;
  // "was the phone line changed to …", "has the office moved": an auxiliary before its subject asks.
  if (/^(?:was|were|has|have|had)\s+(?:the|a|an|it|this|that|there|our|your|my|his|her|their|he|she|they|we|you|anyone|anybody|someone)\b/i.test(text)) return null;
  if (hedged(text)) return null;
  // "The meeting went well", "the launch is going great": how something went, not a value of anything.
  if (HOW_IT_WENT.test(text)) return null;
  const stripped = stripMarkers(text);
  const rest = stripped.text;
  const marked = stripped.marked || inherited;
  if (!rest) return null;
  if (!marked && REQUEST.test(text) && !NOUN_SUBJECT.test(text) && !COMPOUND_SUBJECT.test(text) && !PLURAL_SUBJECT.test(text) && !INSTANCE.test(text)) return null;
  const remember = /^\s*(?:please\s+)?(?:remember|keep in mind|bear in mind|note)\b/i.test(text);
  const signal = marked || remember || CONTRAST.test(rest) || CHANGE.test(rest) || TIME_CUE.test(rest) || NEW_HOLDER.test(rest) || ML_CHANGE.test(rest) || ML_TIME_CUE.test(rest) || FIRST_PERSON.test(rest) || PRONOUN_FACT.test(rest) || INSTANCE.test(rest);
  // Time cues stay: "now" tells the memory decision that a value changed; it drops them itself.
  const cleaned = newHolder(rest.replace(/^that\s+/i, ''));
  if (!signal) {
    // A plain statement that gives another value for a fact in view is a correction.
    if (contradicts && !ABOUT_SPEAKER.test(cleaned) && content(tokens(cleaned)).length >= 2 && contradicts(cleaned)) return sentenceCase(cleaned);
    // A plain new fact with nothing in view to correct (see plainNewFact).
    return !inherited && plainNewFact(cleaned) ? sentenceCase(cleaned) : null;
  }
  // A marker alone ("FYI", "no") with nothing factual after it is not a fact.
  const words = content(tokens(rest));
  if (words.length === 0) return null;
  // "it's fine now, thanks", "that's great": a pronoun with only words of judgement or courtesy says
  // how the speaker feels about the answer, not a value of anything.
  if (/^(?:it|that|this|everything|all)\b/i.test(rest) && words.every((w) => !w.value && (REMARK.has(w.raw.toLowerCase()) || /^(?:that|this|everything)'s$/i.test(w.raw)))) return null;
  // After a marker, one plain word is a remark ("my bad, wrong tab"); one value is a short answer
  // to what was just asked ("no, 250", "actually, Tuesdays"). Scripts written without spaces are
  // one "word" per sentence, so the rule is for spaced ones.
  if (marked && !remember && words.length === 1 && !words[0]!.value && !UNSPACED.test(rest) && !PLAIN_FACT.test(rest) && !CHANGE.test(rest) && !ML_CHANGE.test(rest)) return null;
  // Right after a question, "it's 5.4 now" answers it with a new value: a correction without a marker.
  const reply = afterQuestion && PRONOUN_FACT.test(rest) && TIME_CUE.test(rest) && words.some((w) => w.value);
  if (!marked && !remember && !reply && !PLAIN_FACT.test(rest) && !CHANGE.test(rest) && !ML_CHANGE.test(rest) && !FIRST_PERSON.test(rest) && words.length < 2) return null;
  return cleaned ? sentenceCase(cleaned) : null;
}
