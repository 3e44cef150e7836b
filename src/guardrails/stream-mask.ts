import { canonicalText } from './normalize.js';
import { applyRedaction, findPii, SECRET_KINDS } from './pii.js';
import type { GuardRecord } from './port.js';

/** Characters held back: longer than any PII string a detector matches in one piece (keys excepted, see below). */
const HOLD = 96;
/** Released text kept as context for label-dependent detectors (they look ≤ 40 characters back). */
const CONTEXT = 64;
/** Past this, text without whitespace is released anyway (outside detected spans). */
const LONG_RUN = 2048;

/**
 * PII masking for a text stream. A PII string can be split across deltas ("4111 1111" + " 1111
 * 1111"), so the tail is held back: text is released only up to a whitespace at least HOLD
 * characters before the end, and never inside a detected span (an unterminated private-key block
 * or a token still growing spans to the end, so it is held until complete). What is released is
 * exactly what the whole-answer masking gives for the same text.
 */
export class PiiStreamMasker {
  private buf = '';
  /** The last released characters (unredacted): labels like "phone number is" decide what follows. */
  private ctx = '';

  private spans() {
    const n = this.ctx.length;
    return findPii(this.ctx + this.buf)
      .filter((s) => s.start >= n)
      .map((s) => ({ ...s, start: s.start - n, end: s.end - n }));
  }

  push(delta: string): string {
    this.buf += delta;
    if (this.buf.length <= HOLD) return '';
    const text = canonicalText(this.buf);
    if (text !== this.buf) this.buf = text; // offsets below are in the canonical text
    const spans = this.spans();
    const latest = this.buf.length - HOLD;
    let cut = latest;
    while (cut > 0 && !/\s/.test(this.buf[cut - 1]!)) cut--;
    // A long run without whitespace (a blob, a URL) is cut anyway, so the buffer stays bounded.
    if (cut === 0 && this.buf.length > LONG_RUN) cut = latest;
    for (const s of [...spans].reverse()) if (s.start < cut && cut < s.end) cut = s.start;
    if (cut !== latest || this.buf.length <= LONG_RUN) while (cut > 0 && !/\s/.test(this.buf[cut - 1]!)) cut--;
    if (cut <= 0) return '';
    const out = applyRedaction(this.buf.slice(0, cut), spans.filter((s) => s.end <= cut));
    this.ctx = (this.ctx + this.buf.slice(0, cut)).slice(-CONTEXT);
    this.buf = this.buf.slice(cut);
    return out;
  }

  flush(): string {
    this.buf = canonicalText(this.buf);
    const out = applyRedaction(this.buf, this.spans());
    this.buf = '';
    this.ctx = '';
    return out;
  }
}

/** maskPii, plus the verdict to record when something was masked (kinds only). */
export function maskAnswer(text: string): { text: string; guard?: GuardRecord } {
  const t = canonicalText(text);
  const found = findPii(t);
  if (!found.length) return { text: t };
  return {
    text: applyRedaction(t, found),
    guard: { action: 'redact', findings: found.map((s) => ({ kind: s.kind, category: SECRET_KINDS.has(s.kind) ? 'secret' : 'pii', action: 'redact', source: 'builtin' })) },
  };
}

/** The whole-answer form: what a stream masked chunk by chunk adds up to. */
export function maskPii(text: string): string {
  const t = canonicalText(text);
  return applyRedaction(t, findPii(t));
}
