import { content, needsSubject, sentenceCase, STATUS_WORDS, stripLabel, stripMarkers, stripTimeCues, tokens, type Token } from './facts.js';
import { sentences } from './text.js';

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
  event: 'UPDATE' | 'NOOP' | 'CONFLICT';
  strength: number;
  text?: string;
}

const CHANGE_CUE = /\b(?:now|these days|nowadays|no longer|anymore|any more|instead|since|from now on|starting|as of|effective|chang\w*|increas\w*|decreas\w*|rais\w*|lower\w*|reduc\w*|bump\w*|mov\w*|switch\w*|becam\w*|becom\w*|upgrad\w*|downgrad\w*|renam\w*|replac\w*|migrat\w*|shorten\w*|extend\w*|doubl\w*|halv\w*|postpon\w*|push\w*|delay\w*|rewr[io]t\w*|relocat\w*|took over|take\w* over|join\w*|left|hired|appointed|promoted|went|got|dropped)\b/i;

export function decideMemory(user: string): string {
  const rawFact = /^new fact:?[ \t]*(.+)$/im.exec(user)?.[1]?.trim() ?? '';
  const question = /conversation before the new fact:[\s\S]*?^user:\s*(.+)$/im.exec(user)?.[1]?.trim();
  const candidates = parseCandidates(user);
  const cue = CHANGE_CUE.test(rawFact);
  const fact = stripTimeCues(stripMarkers(rawFact).text).replace(/^that\s+/i, '') || rawFact;
  const subjectless = needsSubject(fact) && !!question && question.trim().endsWith('?');
  let best: Verdict | null = null;
  for (const c of candidates) {
    for (const s of sentences(c.text)) {
      const v = subjectless ? compareResolved(fact, stripLabel(s), question!, c.id) : compare(fact, stripLabel(s), cue, c.id);
      if (!v) continue;
      const rank = (x: Verdict) => x.strength + (x.event === 'NOOP' ? 0.3 : x.event === 'UPDATE' ? 0.1 : 0);
      if (!best || rank(v) > rank(best)) best = v;
    }
  }
  const clean = sentenceCase(fact);
  if (!best) return JSON.stringify({ event: 'ADD', text: clean, reason: 'no existing fact covers this' });
  if (best.event === 'NOOP') return JSON.stringify({ event: 'NOOP', id: best.id, reason: 'already known' });
  if (best.event === 'CONFLICT') return JSON.stringify({ event: 'ADD', text: clean, conflicts: [best.id], reason: 'a related fact says otherwise; not clearly the same subject' });
  return JSON.stringify({ event: 'UPDATE', id: best.id, text: best.text ?? clean, reason: 'same subject, new value' });
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

/** The clause of a compound statement that talks about the existing fact ("X left; the new head is Y"). */
function bestClause(fact: string, s: Set<string>): string {
  const parts = fact.split(/\s*[;:]\s+|,\s+(?:and\s+|but\s+)?|\s+and\s+(?=[A-Z])/).filter((p) => content(tokens(p)).length >= 2);
  if (parts.length < 2) return fact;
  let best = fact;
  let score = -1;
  for (const p of parts) {
    const n = content(tokens(p)).filter((t) => s.has(t.stem)).length;
    if (n > score) [best, score] = [p, n];
  }
  return best;
}

function compare(fullFact: string, sentence: string, cue: boolean, id: string): Verdict | null {
  const sT = content(tokens(sentence));
  const sS = stems(sT);
  const fact = bestClause(fullFact, sS);
  const fT = content(tokens(fact));
  const fS = stems(fT);
  const shared = fT.filter((t) => sS.has(t.stem));
  const n = new Set(shared.map((t) => t.stem)).size;
  const smaller = Math.min(fS.size, sS.size) || 1;
  if (n === 0 || (n < 2 && smaller > 3)) return null;
  const coverage = n / smaller;
  const newD = fT.filter((t) => !sS.has(t.stem));
  const oldD = sT.filter((t) => !fS.has(t.stem));
  // A qualifier before the shared subject on both sides names two different things.
  const firstShared = (ts: Token[], set: Set<string>) => ts.findIndex((t) => set.has(t.stem));
  const qualifier = (ts: Token[], other: Set<string>) => ts.slice(0, Math.max(0, firstShared(ts, other))).some((t) => !t.value && !other.has(t.stem));
  if (qualifier(fT, sS) && qualifier(sT, fS)) return null;
  if (newD.length === 0) return coverage >= 0.5 ? { id, event: 'NOOP', strength: coverage } : null;
  const status = newD.some((t) => STATUS_WORDS.has(t.raw.toLowerCase()));
  const valued = newD.some((t) => t.value) || (oldD.some((t) => t.value) && cue);
  if (!(valued || status || (cue && oldD.length > 0))) return null;
  if (coverage < 0.5) return coverage >= 0.34 && valued ? { id, event: 'CONFLICT', strength: coverage } : null;
  const text = substitute(sentence, sT, oldD, fact, newD, fT, cue);
  return { id, event: 'UPDATE', strength: coverage, ...(text ? { text } : {}) };
}

/** "it's 250 now" after a question: the existing sentence that answers the question, value replaced. */
function compareResolved(fact: string, sentence: string, question: string, id: string): Verdict | null {
  const qS = stems(content(tokens(question)));
  const sT = content(tokens(sentence));
  const sS = stems(sT);
  const onTopic = [...qS].filter((x) => sS.has(x)).length;
  if (onTopic === 0 || onTopic < Math.min(2, qS.size)) return null;
  const fT = content(tokens(fact));
  const fS = stems(fT);
  const newD = fT.filter((t) => !sS.has(t.stem) && !qS.has(t.stem));
  const oldD = sT.filter((t) => !fS.has(t.stem) && !qS.has(t.stem));
  const strength = onTopic / (qS.size || 1);
  if (newD.length === 0) return { id, event: 'NOOP', strength };
  const text = substitute(sentence, sT, oldD, fact, newD, fT, true);
  return text ? { id, event: 'UPDATE', strength: strength + 0.2, text } : null;
}

/** The tokens as one span of their text when they sit together (only function words between). */
function span(text: string, all: Token[], picked: Token[]): { start: number; end: number } | null {
  if (!picked.length) return null;
  const idx = picked.map((t) => all.indexOf(t)).sort((a, b) => a - b);
  for (let i = idx[0]!; i <= idx.at(-1)!; i++) if (!picked.includes(all[i]!)) return null;
  const start = all[idx[0]!]!.start;
  const end = all[idx.at(-1)!]!.end;
  return /[;.!?]/.test(text.slice(start, end)) ? null : { start, end };
}

/** The existing sentence with its old value replaced by the new one; null when that is not clear. */
function substitute(sentence: string, sT: Token[], oldD: Token[], fact: string, newD: Token[], fT: Token[], cue: boolean): string | null {
  let oldV = oldD.some((t) => t.value) ? oldD.filter((t) => t.value) : oldD;
  const newV = newD.some((t) => t.value) ? newD.filter((t) => t.value) : newD;
  // "changed from Gusto to Deel", "Jira was replaced by Linear": the old value is named in the fact.
  if (!oldV.length && cue) oldV = sT.filter((t) => t.value && fT.some((f) => f.stem === t.stem) && !newD.includes(t));
  const o = span(sentence, sT, oldV);
  const nw = span(fact, fT, newV);
  if (!o || !nw) return null;
  let { start, end } = o;
  const newText = fact.slice(nw.start, nw.end);
  // A bare number replaces the number only: "100 req/s" + "250" → "250 req/s".
  const olds = oldV.filter((t) => /^\$?\d/.test(t.raw));
  if (/^[\d.,]+$/.test(newText) && olds.length === 1 && oldV.length > 1) [start, end] = [olds[0]!.start, olds[0]!.end];
  return sentenceCase(`${sentence.slice(0, start)}${newText}${sentence.slice(end)}`);
}
