/**
 * Token estimates without a model tokenizer: ~4 characters per token for English, the ratio the
 * major providers document. Used for budgets, chunk sizes and the offline model's usage figures.
 */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  return Math.ceil(text.length / 4);
}

/** Split text into word-ish tokens (words, numbers, punctuation) keeping their offsets. */
export function wordSpans(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}
