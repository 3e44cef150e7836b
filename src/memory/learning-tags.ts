/**
 * `[LEARNING]: <fact>` lines: the model's way of marking a new fact or correction. They are
 * extracted for the knowledge updater and never shown to the user — in a whole answer or a stream.
 * Lines inside fenced code blocks are content, not tags.
 */

const TAG_LINE = /^\s*(?:[-*]\s+)?\[learning\]\s*:\s*(.*?)\s*$/i;
const FENCE = /^\s*(```|~~~)/;
const TAG = '[learning]:';

function matchTag(line: string): string | null {
  const m = TAG_LINE.exec(line);
  return m ? m[1]! : null;
}

/** Could this partial line still turn into a tag line once more characters arrive? */
function mightBecomeTag(partial: string): boolean {
  const t = partial.trimStart().replace(/^[-*](\s+|$)/, '').toLowerCase();
  if (t === '') return true;
  if (TAG.startsWith(t)) return true;
  return /^\[learning\]\s*(:.*)?$/.test(t);
}

/**
 * Incremental filter: push text deltas, get back the text safe to show. A partial line that might
 * become a tag is held back until its newline proves otherwise.
 */
export class LearningStreamFilter {
  private line = '';
  private emitted = 0;
  private inFence = false;
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
    }
    if (this.inFence || this.emitted > 0 || !mightBecomeTag(this.line)) {
      out += this.line.slice(this.emitted);
      this.emitted = this.line.length;
    }
    return out;
  }

  /** End of stream: release or drop whatever is held. */
  flush(): string {
    const out = this.completeLine(this.line, false);
    this.line = '';
    this.emitted = 0;
    return out;
  }

  private completeLine(full: string, newline: boolean): string {
    const rest = full.slice(this.emitted) + (newline ? '\n' : '');
    if (FENCE.test(full)) {
      this.inFence = !this.inFence;
      return rest;
    }
    if (!this.inFence && this.emitted === 0) {
      const fact = matchTag(full);
      if (fact !== null) {
        if (fact) this.learnings.push(fact);
        return '';
      }
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
  return text.replace(/\[(\s*)learning(\s*)\]/gi, '[$1learning-quoted$2]');
}
