import { content, NEW_HOLDER, needsSubject, sentenceCase, STATUS_WORDS, stripLabel, stripMarkers, stripTimeCues, tokens, type Token } from './facts.js';
import { sentences } from './text.js';
import { applyReplacement, distinctive, kind, namedReplacement, type Replacement } from './replace.js';
import { ML_CHANGE, ML_TIME_CUE } from './lexicon-multilingual.js';
import { clauses, deniesWord, misspelt } from './wording.js';
import { deniedValue, frequencySwap, IDENT, instanceOf, impliedOne, otherAttribute, substitute, rangeSwap } from './values.js';

/**
 * The offline model's Mem0-style memory decision, by rule. For each existing fact (a learning, or
 * one sentence of a document chunk, its label dropped) it asks: same subject? (shared content
 * words, and not two different qualifiers such as "orders service" vs "inventory service") — then
 * NOOP when the new fact adds nothing, UPDATE when a value differs (any kind of value: names,
 * identifiers, regions, hosts, versions, dates, amounts — or a status such as "discontinued", or a
 * plain-word value when the statement says it changed), ADD otherwise. The fact it stores is the
 * existing sentence with the old value replaced by the new one when that is clear ("it's 250 now"
 * after a question about the rate limit becomes "The internal API rate limit is 250 req/s."), else
 * the statement without markers and time cues. A deterministic stand-in, not a language model.
 */

interface Candidate {
  id: string;
  text: string;
}

interface Verdict {
  id: string;
  /** The sentence compared with (set by judgeFact). */
  sentence?: string;
  event: 'UPDATE' | 'NOOP' | 'CONFLICT';
  strength: number;
  text?: string;
}

const CHANGE_CUE = /\b(?:now|these days|(?:this|next|last) (?:week|month|year|quarter|sprint)|nowadays|no longer|anymore|any more|instead|since|from now on|starting|as of|effective|chang\w*|increas\w*|decreas\w*|rais\w*|lower\w*|reduc\w*|bump\w*|mov\w*|switch\w*|becam\w*|becom\w*|upgrad\w*|downgrad\w*|renam\w*|replac\w*|migrat\w*|shorten\w*|extend\w*|doubl\w*|halv\w*|postpon\w*|push\w*|delay\w*|rewr[io]t\w*|relocat\w*|took over|take\w* over|join\w*|left|hired|appointed|promoted|went|gone|got|dropped)\b/i;

export function decideMemory(user: string): string {
  const rawFact = /^new fact:?[ \t]*(.+)$/im.exec(user)?.[1]?.trim() ?? '';
  const asked = /conversation before the new fact:[\s\S]*?^user:\s*(.+)$/im.exec(user)?.[1]?.trim();
  // "Who owns billing now? It's Dana.": the fact carries the question it answers.
  const qa = /^(.*\?)\s+([^?]+)$/.exec(rawFact);
  const question = qa ? qa[1]!.trim() : asked;
  const { best, fact } = judgeFact(qa ? qa[2]!.trim() : rawFact, question, parseCandidates(user));
  const clean = sentenceCase(qa ? `${qa[1]!.trim()} ${fact}` : fact);
  if (!best) return JSON.stringify({ event: 'ADD', text: clean, reason: 'no existing fact covers this' });
  if (best.event === 'NOOP') return JSON.stringify({ event: 'NOOP', id: best.id, reason: 'already known' });
  if (best.event === 'CONFLICT') return JSON.stringify({ event: 'ADD', text: clean, conflicts: [best.id], reason: 'a related fact says otherwise; not clearly the same subject' });
  return JSON.stringify({ event: 'UPDATE', id: best.id, text: best.text ?? clean, reason: 'same subject, new value' });
}

/**
 * Does a plain statement give another value for one of these facts (the decision would be UPDATE)?
 * What a reader of the context does with "The on-call rotation is weekly." when it says daily.
 */
export function contradicts(statement: string, known: string[]): boolean {
  // Headings ("Store 12") and fragments are not facts a statement could contradict.
  const facts = known.filter((k) => content(tokens(k)).length >= 3);
  const { best, fact } = judgeFact(statement, undefined, facts.map((text, i) => ({ id: `k${i}`, text })));
  if (best?.event !== 'UPDATE' || !best.sentence) return false;
  // Stricter than the decision, since nothing marked it as a correction: two subject words in common,
  // and the new values sit in one place ("Order 1234 ships on Friday" against "Orders ship on
  // Wednesdays" has new values in two places: an instance, not a new value for the rule).
  const sS = stems(content(tokens(best.sentence)));
  const fT = content(tokens(fact));
  const shared = new Set(fT.filter((t) => sS.has(t.stem)).map((t) => t.stem)).size;
  const fresh = fT.map((t, i) => (sS.has(t.stem) ? -1 : i)).filter((i) => i >= 0);
  const values = fresh.filter((i) => fT[i]!.value);
  // Between two new values only new words, no shared one.
  const oneSlot = values.every((i, k) => k === 0 || fT.slice(values[k - 1]!, i).every((t) => !sS.has(t.stem)));
  // A value gives way to a value, a plain phrase to a plain phrase: "The printer on floor 3 is broken"
  // says something else about a printer that "is a Canon", it does not rename it.
  const gone = content(tokens(best.sentence)).filter((t) => !stems(fT).has(t.stem));
  const sameKind = fresh.some((i) => fT[i]!.value) === gone.some((t) => t.value);
  return shared >= 2 && fresh.length > 0 && oneSlot && sameKind;
}

/** The strongest verdict of a fact against each sentence of each candidate, and the fact as compared. */
function judgeFact(rawFact: string, question: string | undefined, candidates: Candidate[]): { best: Verdict | null; fact: string } {
  const cue = CHANGE_CUE.test(rawFact) || NEW_HOLDER.test(rawFact) || ML_CHANGE.test(rawFact) || ML_TIME_CUE.test(rawFact);
  const fact = stripTimeCues(stripMarkers(rawFact).text).replace(/^that\s+/i, '') || rawFact;
  const subjectless = needsSubject(fact) && !!question && question.trim().endsWith('?');
  // "X was renamed to Y", "Y, not X", "dropped X — the minimum is Y": the fact names what it replaces.
  const named = namedReplacement(fact);
  let best: Verdict | null = null;
  for (const c of candidates) {
    // A markdown heading ("# Store 12") names a section; it is not a fact to update.
    for (const s of sentences(c.text.replace(/^[ \t]*#+[ \t].*$/gm, ''))) {
      const full = stripLabel(s);
      for (const [part, rebuild] of [[full, (t: string) => t] as const, ...clauses(full)]) {
        const v = (named && replaced(fact, part, named, c.id)) || (subjectless ? compareResolved(fact, part, question!, c.id) : compare(fact, part, cue, c.id));
        if (!v) continue;
        // A clause's new value goes back into its whole sentence; without a rewrite the clause says nothing new.
        if (v.text) v.text = rebuild(v.text);
        else if (part !== full && v.event === 'UPDATE') continue;
        v.sentence = full;
        const rank = (x: Verdict) => x.strength + (x.event === 'NOOP' ? 0.3 : x.event === 'UPDATE' ? 0.1 : 0) + (x.text ? 0.05 : 0);
        if (!best || rank(v) > rank(best)) best = v;
      }
    }
  }
  return { best, fact };
}

function parseCandidates(user: string): Candidate[] {
  const out: Candidate[] = [];
  for (const line of user.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const c = JSON.parse(t) as Candidate;
      if (c.id && typeof c.text === 'string') out.push(c);
    } catch {
      // not a candidate line
    }
  }
  return out;
}
const stems = (ts: Token[]) => new Set(ts.map((t) => t.stem));

/**
 * A sentence that holds the value the fact says it replaces: an UPDATE, the sentence with the value
 * swapped. A distinctive old value ("web-app", "iOS 15") is enough to find its sentence; a plain one
 * ("3", "Mondays") needs a subject word in common as well.
 */
function replaced(fact: string, sentence: string, r: Replacement, id: string): Verdict | null {
  const text = applyReplacement(sentence, r);
  if (!text) return null;
  const values = new Set([...tokens(r.old), ...tokens(r.new)].map((t) => t.stem));
  const sS = stems(content(tokens(sentence)));
  const subject = content(tokens(fact)).filter((t) => !values.has(t.stem) && sS.has(t.stem)).length;
  if (!distinctive(r) && subject === 0) return null;
  return { id, event: 'UPDATE', strength: 2 + Math.min(subject, 3) * 0.1, text: sentenceCase(text) };
}

type Span = { start: number; end: number };
const SLOT_PREP = /^(?:until|till|at|from|on|by|before|after|every|to|in|for|within|of)$/i;
const samePrep = (a: string, b: string) => a === b || (/^(?:until|till)$/.test(a) && /^(?:until|till)$/.test(b));

/**
 * The same relation with a new value though the wording differs ("is reachable until 6pm" / "now
 * stays open until 8pm"): with a change cue, a shared subject word, and a value of the same kind
 * after the same preposition on both sides, the fact replaces that value. Numbers also need the
 * same unit after them ("12 EUR" / "9 EUR").
 */
function slotChange(sentence: string, fact: string, fT: Token[]): { old: Span; nw: Span } | null {
  const slots = (text: string) => {
    const all = tokens(text);
    const out: Array<{ prep: string; tok: Token; unit: string; end: number; named: boolean }> = [];
    for (let i = 1; i < all.length; i++) {
      const t = all[i]!;
      if (!t.value || t.stop) continue;
      const prev = all[i - 1]!.raw.toLowerCase() === 'the' && i > 1 ? all[i - 2]! : all[i - 1]!;
      if (!SLOT_PREP.test(prev.raw)) continue;
      // "48 Canal Street", "Hall B West": capitalised words right after the value belong to it (a name,
      // an address), where a lowercase word or a code after a number is its unit ("12 EUR", "30 days").
      let j = i;
      while (all[j + 1] && /^\p{Lu}\p{Ll}/u.test(all[j + 1]!.raw) && all[j + 1]!.value && /^ +$/.test(text.slice(all[j]!.end, all[j + 1]!.start))) j++;
      out.push({ prep: prev.raw.toLowerCase(), tok: t, unit: all[i + 1]?.stem ?? '', end: all[j]!.end, named: j > i });
    }
    return out;
  };
  const olds = slots(sentence);
  const news = slots(fact);
  for (const o of olds) {
    const k = kind(o.tok.raw);
    if (k === 'word') continue;
    const n = news.find((x) => samePrep(x.prep, o.prep) && kind(x.tok.raw) === k && x.tok.raw.toLowerCase() !== o.tok.raw.toLowerCase() && (k !== 'number' || x.unit === o.unit || (x.named && o.named)));
    if (n && !fT.some((t) => t.raw.toLowerCase() === o.tok.raw.toLowerCase())) return { old: { start: o.tok.start, end: o.end }, nw: { start: n.tok.start, end: n.end } };
  }
  return null;
}

/**
 * "… from 11:30 to 13:00, not 12:00": the trailing contrast names the old value, it is not part of
 * the new fact; compared with it, its old value would count as shared and the rest misalign.
 */
function withoutContrast(fact: string): string {
  const stripped = fact.replace(/,\s*(?:and\s+)?not\s+[^,;]+?[.!]?$/i, '');
  return stripped !== fact && content(tokens(stripped)).length >= 2 ? stripped : fact;
}

/** The clause of a compound statement that talks about the existing fact ("X left; the new head is Y"). */
function bestClause(fact: string, s: Set<string>): string {
  // "… and Joe Park" after a name ("Amy Lee and Joe Park") joins two values; "Tuesday, June 9" is one value.
  const parts = fact.split(/\s*[;:]\s+|\s+[—–]\s+|\s+-\s+|(?<!day),\s+(?:and\s+|but\s+)?|(?<!\b[A-Z][\w'-]*)\s+and\s+(?=[A-Z])/).filter((p) => content(tokens(p)).length >= 2);
  if (parts.length < 2) return fact;
  let best = fact;
  let score = -1;
  // Subject words count double, a new value half ("moved in-house, the bureau is gone" is about the
  // first clause); on a tie the later clause wins (the new state is usually said last).
  for (const p of parts) {
    const n = content(tokens(p)).reduce((k, t) => k + (s.has(t.stem) ? (t.value ? 1 : 2) : t.value ? 0.5 : 0), 0);
    if (n >= score) [best, score] = [p, n];
  }
  return best;
}

function compare(fullFact: string, sentence: string, cue: boolean, id: string): Verdict | null {
  const sT = content(tokens(sentence));
  // A heading ("# Limits") or a one-word line is not a fact to compare with.
  if (sT.length < 2) return null;
  const sS = stems(sT);
  const fact = bestClause(withoutContrast(fullFact), sS);
  const fT = content(tokens(fact));
  const fS = stems(fT);
  const shared = fT.filter((t) => sS.has(t.stem));
  const n = new Set(shared.map((t) => t.stem)).size;
  const smaller = Math.min(fS.size, sS.size) || 1;
  if (n === 0) return null;
  const coverage = n / smaller;
  // Each side's subject names something the other does not ("the Foo service" / "the Bar service"):
  // two different things, whatever their values.
  if ((ownQualifier(fact, fT, sS) && ownQualifier(sentence, sT, fS)) || instanceOf(fact, sentence)) return null;
  // A range replaced by a range moves both ends, whatever the words around it ("is available" / "runs").
  const range = shared.some((t) => !t.value) ? rangeSwap(sentence, fact) : null;
  if (range && (cue || coverage >= 0.5)) return { id, event: 'UPDATE', strength: Math.max(coverage, 0.5), text: range };
  if ((n < 2 && smaller > 3) || coverage < 0.5) {
    const slot = cue && shared.some((t) => !t.value) ? slotChange(sentence, fact, fT) : null;
    if (slot) return { id, event: 'UPDATE', strength: 0.5, text: sentenceCase(sentence.slice(0, slot.old.start) + fact.slice(slot.nw.start, slot.nw.end) + sentence.slice(slot.old.end)) };
    if (n < 2 && smaller > 3) return null;
  }
  const newD = fT.filter((t) => !sS.has(t.stem));
  const oldD = sT.filter((t) => !fS.has(t.stem));
  // "… the mobile app was renamed to APP" against "… the mobile app is MOB": an identifier in capitals
  // is a value of its own even where a lowercase subject word reads the same.
  const sRaw = new Set(sT.map((t) => t.raw));
  if (oldD.some((t) => IDENT.test(t.raw))) for (const t of fT) if (IDENT.test(t.raw) && !sRaw.has(t.raw) && !newD.includes(t)) newD.push(t);
  newD.sort((a, b) => a.start - b.start);
  if (otherAttribute(fT, newD, oldD) || deniedValue(fact, newD)) return null;
  const negated = NEGATION.test(fact) !== NEGATION.test(sentence);
  if (newD.length === 0 && !negated) {
    // "We no longer offer phone support; service is email only": the clause adds no word, but the
    // statement denies one the sentence has. That is a change, not a restatement.
    if (coverage >= 0.5 && deniesWord(fullFact, oldD)) return { id, event: 'UPDATE', strength: coverage };
    // "Yoga is only on Mondays now" against "on Mondays and Thursdays": "only" drops the values it leaves out.
    if (coverage >= 0.5 && /\bonly\b/i.test(fullFact) && !/\bonly\b/i.test(sentence) && oldD.length > 0) return { id, event: 'UPDATE', strength: coverage };
    const one = impliedOne(sentence, fact);
    if (one && coverage >= 0.5) return { id, event: 'UPDATE', strength: coverage, text: sentenceCase(one) };
    return coverage >= 0.5 ? { id, event: 'NOOP', strength: coverage } : null;
  }
  const status = negated || newD.some((t) => STATUS_WORDS.has(t.raw.toLowerCase()));
  const valued = newD.some((t) => t.value) || (oldD.some((t) => t.value) && cue);
  if (!(valued || status || (cue && oldD.length > 0) || sameSlot(sentence, sT, oldD, fact, fT, newD))) return null;
  if (coverage < 0.5) return coverage >= 0.34 && valued ? { id, event: 'CONFLICT', strength: coverage } : null;
  const text = frequencySwap(sentence, fact) ?? substitute(sentence, sT, oldD, fact, newD, fT, cue);
  return { id, event: 'UPDATE', strength: coverage, ...(text ? { text } : {}) };
}

const AUX = /\b(?:is|are|was|were|has|have|had|will|can|must|should|does|do|did)\b|\b(?:it|that|there|he|she|what|who|they|we|you)'(?:s|re)\b/i;

/**
 * Does this statement's subject hold a word the other statement lacks? The subject is what comes
 * before its first auxiliary ("The orders service rate limit | is 50 req/s"); without one, the
 * plain words before the first shared word (names there are usually the new value: "Rosa Lind joined").
 */
function ownQualifier(text: string, ts: Token[], other: Set<string>): boolean {
  const aux = AUX.exec(text);
  if (aux) return ts.filter((t) => t.end <= aux.index).some((t) => !other.has(t.stem) && !misspelt(t, other));
  const first = ts.findIndex((t) => other.has(t.stem));
  return ts.slice(0, Math.max(0, first)).some((t) => !t.value && !other.has(t.stem));
}

const NEGATION = /\b(?:no longer|not|never|isn't|aren't|wasn't|doesn't|don't|won't|no)\b/i;

/**
 * Both statements differ in the same place: the differing words follow the same shared word, joined
 * by the same linking words ("is owned by the growth team" / "is owned by the finance team"). Then the
 * difference is the value of one relation, not a second fact ("is open to staff" / "has a herb bed").
 */
function sameSlot(sentence: string, sT: Token[], oldD: Token[], fact: string, fT: Token[], newD: Token[]): boolean {
  if (!oldD.length || !newD.length) return false;
  const lead = (text: string, ts: Token[], first: Token) => {
    const i = ts.indexOf(first);
    const anchor = i > 0 ? ts[i - 1]! : null;
    const link = text.slice(anchor ? anchor.end : 0, first.start).toLowerCase().replace(/\b(?:the|a|an|new|now|currently|still|also)\b/g, ' ').replace(/[^a-z']+/g, ' ').trim();
    return `${anchor?.stem ?? ''}|${link}`;
  };
  return lead(sentence, sT, oldD[0]!) === lead(fact, fT, newD[0]!);
}

/** "it's 250 now" after a question: the existing sentence that answers the question, value replaced. */
function compareResolved(fact: string, sentence: string, question: string, id: string): Verdict | null {
  const qS = stems(content(tokens(question)));
  const sT = content(tokens(sentence));
  if (sT.length < 2) return null;
  const sS = stems(sT);
  const onTopic = [...qS].filter((x) => sS.has(x)).length;
  if (onTopic === 0 || onTopic < Math.min(2, qS.size)) return null;
  const fT = content(tokens(fact));
  const fS = stems(fT);
  const newD = fT.filter((t) => !sS.has(t.stem) && !qS.has(t.stem));
  let oldD = sT.filter((t) => !fS.has(t.stem) && !qS.has(t.stem));
  // "Does the lab open at 7:00? No, it opens at 6:30": the question quotes the old value.
  const newKinds = new Set(newD.filter((t) => t.value).map((t) => kind(t.raw)));
  if (newKinds.size && !oldD.some((t) => t.value)) oldD = oldD.concat(sT.filter((t) => t.value && !fS.has(t.stem) && qS.has(t.stem) && newKinds.has(kind(t.raw))));
  const strength = onTopic / (qS.size || 1);
  if (newD.length === 0) return { id, event: 'NOOP', strength };
  const text = substitute(sentence, sT, oldD, fact, newD, fT, true);
  return text ? { id, event: 'UPDATE', strength: strength + 0.2, text } : null;
}
