import type { DocKind, SearchHit } from './knowledge-store.js';

/** Result ordering shared by every knowledge adapter, so they break ties and place superseded chunks alike. */

interface Ranked {
  chunkId: string;
  kind: DocKind;
  raw: number;
}

/** Higher score first; on ties learnings before documents (they are newer knowledge), then newer chunks. */
export function byRelevance(a: Ranked, b: Ranked): number {
  return b.raw - a.raw || kindRank(a.kind) - kindRank(b.kind) || (a.chunkId < b.chunkId ? 1 : a.chunkId > b.chunkId ? -1 : 0);
}

function kindRank(kind: DocKind): number {
  return kind === 'learning' ? 0 : 1;
}

/**
 * A superseded chunk goes right after the hit that superseded it when that hit ranks below it, and
 * after every unmarked hit when the superseder is not in the results, so the model reads the new
 * fact first. Scores are left as computed: they measure relevance, the order encodes precedence.
 */
export function orderSupersededAfter(hits: SearchHit[]): SearchHit[] {
  const present = new Set(hits.map((h) => h.docId));
  const orphans = hits.filter((h) => h.supersededBy && !present.has(h.supersededBy.docId));
  const out = hits.filter((h) => !orphans.includes(h));
  // Walk the marked hits from least to most relevant so equal-target moves keep relevance order.
  for (const h of [...out].reverse()) {
    if (!h.supersededBy) continue;
    const target = h.supersededBy.docId;
    const own = out.indexOf(h);
    const by = out.findIndex((x) => x.docId === target);
    if (by < own) continue;
    out.splice(own, 1);
    out.splice(out.findIndex((x) => x.docId === target) + 1, 0, h);
  }
  return [...out, ...orphans];
}
