/**
 * A chunk's title field: its document's source (a path or URL reads as words: `pino/docs/api.md`)
 * and the nearest Markdown heading at or above where the chunk starts, so a chunk deep in a
 * section still carries the section's name. Field-weighted at query time (analyze.ts).
 */
export function chunkTitles(sourceUri: string, text: string, chunks: ReadonlyArray<{ index: number; start: number }>): string[] {
  const headings = [...text.matchAll(/^#{1,6}[ \t]+(.+)$/gm)].map((m) => ({ at: m.index, text: m[1]!.trim() }));
  const out: string[] = [];
  let h = -1;
  for (const c of [...chunks].sort((a, b) => a.start - b.start)) {
    while (h + 1 < headings.length && headings[h + 1]!.at <= c.start) h++;
    out[c.index] = h >= 0 ? `${sourceUri} ${headings[h]!.text}` : sourceUri;
  }
  return out;
}
