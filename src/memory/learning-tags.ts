/**
 * `[LEARNING]: <fact>` lines: the model's way of marking a new fact or correction. They are
 * extracted for the knowledge updater and never shown to the user — in a whole answer or a stream.
 * Lines inside fenced code blocks are content, not tags.
 */

/**
 * Models do not always write the tag exactly as asked, and a tag shown to the user is a defect
 * twice over (a leaked marker and a lost learning). Accepted, on a line of its own: a list or
 * quote marker before it (`-`, `*`, `+`, `•`, `>`, `1.`, `1)`), emphasis around it (`**[LEARNING]:**`),
 * any case and inner spaces, a colon, a dash or nothing after it, and the bracketed form
 * `[LEARNING: fact]`. After the end of a sentence on the same line ("Noted. [LEARNING]: …") it
 * also counts; anywhere else mid-sentence it is a mention ("use the [LEARNING]: syntax").
 */
const LEAD = String.raw`\s*(?:(?:[-*+•>]|\d{1,3}[.)])\s+)?`;
const EMPH = String.raw`(?:\*\*|__|\*|_)?`;
const TAG_CORE = String.raw`\[\s*learning\s*\]`;
const TAG_LINE = new RegExp(`^${LEAD}${EMPH}${TAG_CORE}${EMPH}\\s*(?:[:：\\-–—]\\s*)?${EMPH}\\s*(.*?)\\s*$`, 'i');
const BRACKET_LINE = new RegExp(`^${LEAD}${EMPH}\\[\\s*learning\\s*[:：]\\s*(.*?)\\s*\\]${EMPH}\\s*$`, 'i');
/** A tag after a sentence's end on the same line: the text before it is shown, the rest learned. */
const INLINE = new RegExp(`([.!?。！？])\\s+${EMPH}(?=\\[\\s*learning\\s*[\\]:：])`, 'i');
const FENCE = /^\s*(```|~~~)/;

/** The fact of a tag, its trailing emphasis and closing marks removed; '' when the tag is empty. */
function cleanFact(raw: string): string {
  return raw.replace(/^(?:\*\*|__)\s*/, '').replace(/\s*(?:\*\*|__)$/, '').trim();
}

function matchTag(line: string): string | null {
  const b = BRACKET_LINE.exec(line);
  if (b) return cleanFact(b[1]!);
  const m = TAG_LINE.exec(line);
  return m ? cleanFact(m[1]!) : null;
}

/** Where an inline tag starts in a complete line (after a sentence end), or null. */
function inlineTagAt(line: string, from: number): { cut: number; fact: string } | null {
  const m = INLINE.exec(line.slice(from));
  if (!m) return null;
  const cut = from + m.index + m[1]!.length;
  const fact = matchTag(line.slice(cut).trimStart());
  return fact === null ? null : { cut, fact };
}

/** The tag's spelling as it grows, for partial text: `[ learning ]` with optional spaces, any case. */
function mightBeTagStart(t: string): boolean {
  const s = t.toLowerCase().replace(/^(?:\*\*|__|\*|_)/, '');
  if (s === '') return true;
  return /^\[\s*(?:l(?:e(?:a(?:r(?:n(?:i(?:n(?:g\s*(?:[\]:：].*)?)?)?)?)?)?)?)?)?$/.test(s);
}

/** Could this partial line still turn into a tag line once more characters arrive? */
function mightBecomeTag(partial: string): boolean {
  const t = partial.trimStart().replace(/^(?:[-*+•>]|\d{1,3}[.)])(?:\s+|$)/, '').trimStart();
  if (t === '' || /^\d{1,3}$/.test(t)) return true;
  return mightBeTagStart(t);
}

/**
 * How much of a partial line (not a possible tag line) is safe to show: all of it, except from a
 * sentence end onward when what follows could still become an inline tag.
 */
function safePrefix(partial: string, from: number): number {
  for (let i = from; i < partial.length; i++) {
    const c = partial[i]!;
    if (!/[.!?。！？]/.test(c)) continue;
    const rest = partial.slice(i + 1);
    const gap = /^\s*/.exec(rest)![0].length;
    if (gap === 0 && rest.length > 0) continue;
    if (gap === rest.length || mightBeTagStart(rest.slice(gap))) return i + 1;
  }
  return partial.length;
}

/**
 * Incremental filter: push text deltas, get back the text safe to show. A partial line that might
 * become a tag is held back until its newline proves otherwise.
 */
export class LearningStreamFilter {
  private line = '';
  private emitted = 0;
  private inFence = false;
  /** The current line is a possible tag line, held whole until it cannot be one. */
  private holding = true;
  readonly learnings: string[] = [];

  push(delta: string): string {
    let out = '';
    this.line += delta;
    let nl: number;
    while ((nl = this.line.indexOf('\n')) !== -1) {
      const full = this.line.slice(0, nl);
      out += this.completeLine(full, true);
      this.line = this.line.slice(nl + 1);
      this.emitted = 0;
      this.holding = true;
    }
    if (this.inFence) {
      out += this.line.slice(this.emitted);
      this.emitted = this.line.length;
      return out;
    }
    if (this.holding && this.emitted === 0 && mightBecomeTag(this.line)) return out;
    this.holding = false;
    // From the last shown character: a sentence end shown just before may still lead a tag.
    const safe = safePrefix(this.line, Math.max(0, this.emitted - 1));
    if (safe > this.emitted) {
      out += this.line.slice(this.emitted, safe);
      this.emitted = safe;
    }
    return out;
  }

  /** End of stream: release or drop whatever is held. */
  flush(): string {
    const out = this.completeLine(this.line, false);
    this.line = '';
    this.emitted = 0;
    this.holding = true;
    return out;
  }

  private completeLine(full: string, newline: boolean): string {
    const rest = full.slice(this.emitted) + (newline ? '\n' : '');
    if (FENCE.test(full)) {
      this.inFence = !this.inFence;
      return rest;
    }
    if (this.inFence) return rest;
    if (this.emitted === 0) {
      const fact = matchTag(full);
      if (fact !== null) {
        if (fact) this.learnings.push(fact);
        return '';
      }
    }
    const inline = inlineTagAt(full, Math.max(0, this.emitted - 1));
    if (inline && inline.cut >= this.emitted) {
      if (inline.fact) this.learnings.push(inline.fact);
      return full.slice(this.emitted, inline.cut) + (newline ? '\n' : '');
    }
    return rest;
  }
}

export interface ExtractedLearnings {
  /** The answer as the user sees it. */
  text: string;
  learnings: string[];
}

/** Whole-answer form of the stream filter, so both paths strip identically. */
export function extractLearnings(answer: string): ExtractedLearnings {
  const f = new LearningStreamFilter();
  const text = f.push(answer) + f.flush();
  return { text: tidy(text), learnings: dedupe(f.learnings) };
}

/** Remove blank runs left where tag lines were. */
function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

function dedupe(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = i.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Neutralise tag lines in untrusted text (KB chunks, tool output) so it cannot forge learnings. */
export function neutraliseLearningTags(text: string): string {
  return text.replace(/\[(\s*)learning(?=\s*[\]:：])/gi, '[$1learning-quoted');
}
