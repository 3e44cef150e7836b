import { z } from 'zod';
import { neutraliseUntrusted } from '../../memory/fence.js';
import { contextChunks, type KnowledgeStore } from '../../memory/knowledge-store.js';
import { defineTool } from '../tool.js';

/** Lets the model query the knowledge base mid-loop (beyond what the context builder retrieved). */
export function createSearchKnowledgeTool(knowledge: KnowledgeStore, defaultTopK = 5) {
  return defineTool({
    name: 'search_knowledge',
    description:
      'Search the knowledge base (documents and facts learned from users) for information relevant to a query. ' +
      'Returns the best matching passages with their source and a relevance score.',
    input: z
      .object({
        query: z.string().min(1).max(500).describe('What to look for, in plain words'),
        top_k: z.number().int().min(1).max(20).optional().describe(`How many passages (default ${defaultTopK})`),
      })
      .strict(),
    idempotent: true,
    timeoutMs: 5000,
    handler: async ({ query, top_k }, ctx) => {
      // The caller's view: shared knowledge plus their own learnings awaiting review.
      const hits = await knowledge.search({ tenantId: ctx.tenantId, query, topK: top_k ?? defaultTopK, viewer: { userId: ctx.userId } });
      // What the tool returned reaches the prompt too: feedback on the answer counts against it.
      if (ctx.runId) await knowledge.recordRunContext({ tenantId: ctx.tenantId, runId: ctx.runId, docIds: hits.map((h) => h.docId), chunks: contextChunks(hits, 'tool') });
      return {
        results: hits.map((h) => ({
          text: neutraliseUntrusted(h.text),
          source: h.sourceUri,
          score: Number(h.score.toFixed(3)),
          ...(h.supersededBy ? { superseded: true, supersededBy: neutraliseUntrusted(h.supersededBy.text) } : {}),
        })),
      };
    },
  });
}
