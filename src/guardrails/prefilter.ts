/**
 * One scan instead of many: a family of patterns joined into a single alternation per flag set.
 * `re₁|re₂|…` matches a text exactly when one of the patterns matches it somewhere (an alternation
 * matches at a position iff one alternative does), so a detector family whose joined pattern finds
 * nothing is dismissed without running each pattern (and each `matchAll`) on its own: most texts
 * are clean, and the per-pattern call and scan costs dominate on short ones. Only for patterns
 * that stay the same pattern when concatenated: no backreferences (group numbers would shift) and
 * identical flags within a group (`g`/`y` only move `lastIndex`, so they are dropped).
 */
export function anyMatch(patterns: readonly RegExp[]): (text: string) => boolean {
  const groups = new Map<string, string[]>();
  for (const re of patterns) {
    if (/\\[1-9]|\\k</.test(re.source)) throw new Error(`anyMatch: backreference in /${re.source}/`);
    const flags = re.flags.replace(/[gy]/g, '');
    groups.set(flags, [...(groups.get(flags) ?? []), `(?:${re.source})`]);
  }
  const joined = [...groups].map(([flags, sources]) => new RegExp(sources.join('|'), flags));
  return (text) => joined.some((re) => re.test(text));
}
