import { createHash } from 'node:crypto';
import type { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import type { KnowledgeStore, SearchHit } from '../../memory/knowledge-store.js';
import { orderSupersededAfter } from '../../memory/search-order.js';
import { rrf } from '../rank-fusion.js';
import { loadKbSdk } from './clients.js';

/**
 * An existing Bedrock knowledge base (a team's company docs, ingested by their own data source)
 * searched read-only beside Lore's knowledge store. Lore never writes to it: ingests, learnings,
 * votes, reviews and supersession stay in the wrapped store; only search reaches the KB.
 *
 * - Merge: reciprocal rank fusion of the wrapped store's ranking and Retrieve's (the two scores
 *   are not comparable). At equal fused rank Lore's hit goes first: a learning is the newer word.
 * - Tenants: the KB carries no Lore tenant, so access is explicit (config refuses neither):
 *   `tenant` = the one tenant allowed to read it; `tenantKey` = a metadata key whose value must
 *   equal the tenant id (sent as a Retrieve filter, and checked again on every result).
 * - Attribution: a hit's sourceUri is the KB's source URI of the chunk (s3://…, https://…);
 *   its ids are `xkb_…` hashes of KB id + URI (+ text), stable across searches.
 * - Failure: a Retrieve error or timeout is counted (`failures`), reported through onError and the
 *   search returns the wrapped store's hits: the turn never fails because of the KB.
 */
export const EXTERNAL_ID_PREFIX = 'xkb_';
export const isExternal = (id: string): boolean => id.startsWith(EXTERNAL_ID_PREFIX);

export interface ExternalKbOptions {
  inner: KnowledgeStore;
  runtime: BedrockAgentRuntimeClient;
  knowledgeBaseId: string;
  /** The one tenant allowed to read the KB. */
  tenant?: string;
  /** The KB's metadata key holding the tenant id. */
  tenantKey?: string;
  /** Retrieve is abandoned after this long (default 3 s). */
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

const MAX_RESULTS = 100;

export class ExternalKbKnowledgeStore implements KnowledgeStore {
  /** Retrieve calls that failed or timed out (the search went on without the KB). */
  failures = 0;
  private readonly inner: KnowledgeStore;

  constructor(private readonly o: ExternalKbOptions) {
    if (!o.tenant && !o.tenantKey) throw new Error('an external knowledge base needs a tenant or a tenant metadata key');
    this.inner = o.inner;
  }

  async search(p: Parameters<KnowledgeStore['search']>[0]): Promise<SearchHit[]> {
    const topK = Math.min(Math.floor(p.topK), MAX_RESULTS);
    const wanted = topK > 0 && p.query.trim() !== '' && (!p.kinds || p.kinds.includes('document')) && (!this.o.tenant || this.o.tenant === p.tenantId);
    const [own, external] = await Promise.all([this.inner.search(p), wanted ? this.retrieve(p.tenantId, p.query, topK) : []]);
    if (external.length === 0) return own;
    return fuse(own, external, topK);
  }

  private async retrieve(tenantId: string, query: string, n: number): Promise<SearchHit[]> {
    const { knowledgeBaseId, tenantKey } = this.o;
    let results;
    try {
      const { RetrieveCommand } = (await loadKbSdk()).runtime;
      const r = await this.o.runtime.send(
        new RetrieveCommand({
          knowledgeBaseId,
          retrievalQuery: { text: query.slice(0, 1000) },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: n, ...(tenantKey ? { filter: { equals: { key: tenantKey, value: tenantId } } } : {}) } },
        }),
        { abortSignal: AbortSignal.timeout(this.o.timeoutMs ?? 3000) },
      );
      results = r.retrievalResults ?? [];
    } catch (e) {
      this.failures++;
      this.o.onError?.(e);
      return [];
    }
    const hits: SearchHit[] = [];
    const seen = new Set<string>();
    for (const r of results) {
      const meta = (r.metadata ?? {}) as Record<string, unknown>;
      // Defence in depth: a result outside the tenant never passes, whatever the filter did.
      if (tenantKey && meta[tenantKey] !== tenantId) continue;
      const text = r.content?.text ?? '';
      if (!text.trim()) continue;
      const sourceUri = sourceOf(r.location as Location | undefined, meta) ?? `bedrock-kb://${knowledgeBaseId}`;
      const chunkId = externalId(knowledgeBaseId, sourceUri, text);
      if (seen.has(chunkId)) continue;
      seen.add(chunkId);
      hits.push({ docId: externalId(knowledgeBaseId, sourceUri), chunkId, sourceUri, kind: 'document', text, score: 0, rawScore: r.score ?? 0 });
    }
    return hits;
  }

  // Reads and writes that name an external id: the KB is not Lore's, so there is nothing to read
  // (no history, no document record) and nothing Lore may change.
  getDocument(p: Parameters<KnowledgeStore['getDocument']>[0]) {
    return isExternal(p.id) ? Promise.resolve(null) : this.inner.getDocument(p);
  }
  history(p: Parameters<KnowledgeStore['history']>[0]) {
    return isExternal(p.id) ? Promise.resolve([]) : this.inner.history(p);
  }
  /** A learning that corrects a company document is kept; the document itself cannot be marked. */
  supersede(p: Parameters<KnowledgeStore['supersede']>[0]) {
    return isExternal(p.chunkId) ? Promise.resolve() : this.inner.supersede(p);
  }
  /** Feedback on a turn that cited the KB: Lore's own documents take the vote, the KB's are not Lore's to rate. */
  vote(p: Parameters<KnowledgeStore['vote']>[0]) {
    return isExternal(p.id) ? Promise.resolve({ added: false, count: 0, trust: 1 }) : this.inner.vote(p);
  }

  upsertDocument(p: Parameters<KnowledgeStore['upsertDocument']>[0]) {
    return this.inner.upsertDocument(p);
  }
  listDocuments(p: Parameters<KnowledgeStore['listDocuments']>[0]) {
    return this.inner.listDocuments(p);
  }
  findByHash(p: Parameters<KnowledgeStore['findByHash']>[0]) {
    return this.inner.findByHash(p);
  }
  deleteDocument(p: Parameters<KnowledgeStore['deleteDocument']>[0]) {
    return this.inner.deleteDocument(p);
  }
  restoreDocument(p: Parameters<KnowledgeStore['restoreDocument']>[0]) {
    return this.inner.restoreDocument(p);
  }
  recordEvent(p: Parameters<KnowledgeStore['recordEvent']>[0]) {
    return this.inner.recordEvent(p);
  }
  review(p: Parameters<KnowledgeStore['review']>[0]) {
    return this.inner.review(p);
  }
  countLearningsSince(p: Parameters<KnowledgeStore['countLearningsSince']>[0]) {
    return this.inner.countLearningsSince(p);
  }
  recordRunContext(p: Parameters<KnowledgeStore['recordRunContext']>[0]) {
    return this.inner.recordRunContext(p);
  }
  runContext(p: Parameters<KnowledgeStore['runContext']>[0]) {
    return this.inner.runContext(p);
  }
  runContextChunks(p: Parameters<KnowledgeStore['runContextChunks']>[0]) {
    return this.inner.runContextChunks(p);
  }
  async warmUp(): Promise<void> {
    await this.inner.warmUp?.();
  }
}

/**
 * RRF of the two rankings, best `topK`, scores normalised to the best. Lore's hits keep their own
 * explain ranks; a KB hit's rank in Retrieve's list is its `ranks.vector` (Bedrock ranks by vector
 * similarity), so `--explain` shows where each hit came from.
 */
export function fuse(own: SearchHit[], external: SearchHit[], topK: number): SearchHit[] {
  const rows = [
    ...own.map((h, i) => ({ h, raw: rrf(i + 1), lore: 0, i })),
    ...external.map((h, i) => ({ h: { ...h, ranks: { vector: i + 1 } }, raw: rrf(i + 1), lore: 1, i })),
  ];
  rows.sort((a, b) => b.raw - a.raw || a.lore - b.lore || a.i - b.i);
  const top = rows.slice(0, topK);
  const best = top[0]?.raw ?? 1;
  return orderSupersededAfter(top.map(({ h, raw }) => ({ ...h, rawScore: raw, score: raw / best })));
}

interface Location {
  s3Location?: { uri?: string };
  webLocation?: { url?: string };
  confluenceLocation?: { url?: string };
  salesforceLocation?: { url?: string };
  sharePointLocation?: { url?: string };
  kendraDocumentLocation?: { uri?: string };
  customDocumentLocation?: { id?: string };
}

/** The chunk's source as the KB reports it: its source-URI metadata, else the location of its data source type. */
function sourceOf(l: Location | undefined, meta: Record<string, unknown>): string | undefined {
  const m = meta['x-amz-bedrock-kb-source-uri'];
  if (typeof m === 'string' && m) return m;
  return (
    l?.s3Location?.uri ?? l?.webLocation?.url ?? l?.confluenceLocation?.url ?? l?.salesforceLocation?.url ?? l?.sharePointLocation?.url ?? l?.kendraDocumentLocation?.uri ?? l?.customDocumentLocation?.id
  );
}

function externalId(kbId: string, sourceUri: string, text?: string): string {
  const h = createHash('sha256').update(`${kbId}\n${sourceUri}`);
  if (text !== undefined) h.update(`\n${text}`);
  return `${EXTERNAL_ID_PREFIX}${h.digest('hex').slice(0, 24)}`;
}

