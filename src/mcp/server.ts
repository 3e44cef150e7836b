import { randomUUID } from 'node:crypto';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { LoreError, toLoreError } from '../errors.js';
import type { Principal } from '../ingress/auth.js';
import { toChatResponse, toHistory, toLearning } from '../ingress/present.js';
import { Id } from '../ingress/schemas.js';
import type { KnowledgeStore } from '../memory/knowledge-store.js';
import { learningVisibleTo } from '../learning/visibility.js';
import type { Logger } from '../telemetry/logger.js';
import type { TurnRunner } from '../workflow/types.js';

/** Who is calling, from the request (the HTTP transport puts the verified principal in authInfo). */
export type PrincipalResolver = (extra: { authInfo?: AuthInfo }) => Principal;

export interface LoreMcpDeps {
  runner: TurnRunner;
  knowledge: KnowledgeStore;
  /** Default number of search hits. */
  topK: number;
  logger?: Logger;
  version?: string;
}

const DocStatus = z.enum(['active', 'pending', 'superseded', 'deleted']);

/**
 * Lore as an MCP server: a durable agent turn (`ask`), the knowledge base (`search_knowledge`)
 * and the learnings (list, show, history), each scoped to the principal of the request — the
 * same tenant rules as the HTTP API (knowledge and learnings per tenant; turns per user).
 */
export function createLoreMcpServer(deps: LoreMcpDeps, principalOf: PrincipalResolver): McpServer {
  const server = new McpServer(
    { name: 'lore', version: deps.version ?? '0.1.0' },
    { instructions: 'Lore: an agent with a knowledge base that learns from corrections. Use ask for answers, search_knowledge to look things up directly.' },
  );
  const k = deps.knowledge;

  server.registerTool(
    'ask',
    {
      title: 'Ask the Lore agent',
      description:
        'Ask the Lore agent a question or give it a task. Runs one durable agent turn (it may use its tools and knowledge base, ' +
        'and learns facts you correct). Pass the returned session_id again to continue the conversation.',
      inputSchema: {
        message: z.string().min(1).max(32_000).regex(/\S/, 'must not be blank').describe('the question or instruction'),
        session_id: Id.optional().describe('continue this session (omit to start a new one)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    (args, extra) =>
      respond(deps.logger, 'ask', async () => {
        const p = principalOf(extra);
        const r = await deps.runner.start({ tenantId: p.tenantId, userId: p.userId, sessionId: args.session_id ?? `mcp-${randomUUID()}`, message: args.message, signal: extra.signal });
        const out = toChatResponse(r);
        return { text: out.answer, data: out, isError: r.status === 'FAILED' };
      }),
  );

  server.registerTool(
    'search_knowledge',
    {
      title: 'Search the knowledge base',
      description: 'Search the Lore knowledge base (ingested documents and learned facts) and return the best passages with their source and a 0..1 score.',
      inputSchema: {
        query: z.string().min(1).max(500).describe('what to look for, in plain words'),
        top_k: z.number().int().min(1).max(50).optional().describe(`how many passages (default ${deps.topK})`),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) =>
      respond(deps.logger, 'search_knowledge', async () => {
        const p = principalOf(extra);
        const hits = await k.search({ tenantId: p.tenantId, query: args.query, topK: args.top_k ?? deps.topK, viewer: { userId: p.userId } });
        const results = hits.map((h) => ({
          text: h.text,
          source: h.sourceUri,
          score: Number(h.score.toFixed(3)),
          kind: h.kind,
          doc_id: h.docId,
          ...(h.supersededBy ? { superseded_by: { doc_id: h.supersededBy.docId, text: h.supersededBy.text } } : {}),
        }));
        return { text: results.map((r) => `[${r.source} ${r.score}] ${r.text}`).join('\n\n') || 'no matches', data: { results } };
      }),
  );

  server.registerTool(
    'list_learnings',
    {
      title: 'List learnings',
      description: 'List the facts Lore has learned in this tenant (newest first), optionally filtered by status or text.',
      inputSchema: {
        status: DocStatus.optional().describe('default: every status'),
        text: z.string().min(1).max(200).optional().describe('substring of the learning, case-insensitive'),
        limit: z.number().int().min(1).max(500).optional().describe('default 50'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) =>
      respond(deps.logger, 'list_learnings', async () => {
        const p = principalOf(extra);
        const docs = await k.listDocuments({ tenantId: p.tenantId, kind: 'learning', limit: args.limit ?? 50, ...(args.status ? { status: args.status } : {}), ...(args.text ? { text: args.text } : {}) });
        // Another user's personal learnings (pending review, rejected) are a curator's business only.
        const learnings = docs.filter((d) => learningVisibleTo(p, d)).map(toLearning);
        return { text: learnings.map((l) => `${l.id} [${l.status}] ${l.text}`).join('\n') || 'no learnings', data: { learnings } };
      }),
  );

  const learning = async (p: Principal, id: string) => {
    const d = await k.getDocument({ tenantId: p.tenantId, id });
    // Another tenant's learning and a document are both "not found": no existence oracle.
    if (!d || d.kind !== 'learning' || !learningVisibleTo(p, d)) throw new LoreError('NOT_FOUND', `learning "${id}" not found`);
    return d;
  };

  server.registerTool(
    'show_learning',
    {
      title: 'Show a learning',
      description: 'Show one learning by id: its text, status, source, provenance and what superseded it.',
      inputSchema: { id: Id.describe('learning id, from list_learnings or an ask result') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) =>
      respond(deps.logger, 'show_learning', async () => {
        const l = toLearning(await learning(principalOf(extra), args.id));
        return { text: `${l.id} [${l.status}] ${l.text}`, data: l };
      }),
  );

  server.registerTool(
    'learning_history',
    {
      title: 'History of a learning',
      description: 'The audit trail of one learning: created, updated, superseded, deleted, restored — who and when.',
      inputSchema: { id: Id.describe('learning id') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) =>
      respond(deps.logger, 'learning_history', async () => {
        const p = principalOf(extra);
        await learning(p, args.id);
        const history = (await k.history({ tenantId: p.tenantId, id: args.id })).map(toHistory);
        return { text: history.map((h) => `${h.at} ${h.action} by ${h.actor}`).join('\n'), data: { id: args.id, history } };
      }),
  );

  // The active learnings as resources too, for clients that attach context rather than call tools.
  server.registerResource(
    'learning',
    new ResourceTemplate('lore://learnings/{id}', {
      list: async (extra) => {
        const p = principalOf(extra);
        const docs = (await k.listDocuments({ tenantId: p.tenantId, kind: 'learning', limit: 100 })).filter((d) => (d.status === 'active' || d.status === 'pending') && learningVisibleTo(p, d));
        return { resources: docs.map((d) => ({ uri: `lore://learnings/${d.id}`, name: d.text.slice(0, 80), mimeType: 'application/json' })) };
      },
    }),
    { title: 'Lore learnings', description: 'A fact Lore learned, with its history', mimeType: 'application/json' },
    async (uri, vars, extra) => {
      const p = principalOf(extra);
      const id = String(vars.id);
      const d = Id.safeParse(id).success ? await k.getDocument({ tenantId: p.tenantId, id }) : null;
      // -32002: the MCP spec's "resource not found".
      if (!d || d.kind !== 'learning' || !learningVisibleTo(p, d)) throw new McpError(-32002, `learning "${id}" not found`);
      const history = (await k.history({ tenantId: p.tenantId, id })).map(toHistory);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ ...toLearning(d), history }) }] };
    },
  );

  return server;
}

/**
 * Tool results as MCP wants them: readable text plus the same data as structuredContent. A failure
 * is an `isError` result carrying `{error:{code,message}}` (the HTTP API's error shape), so a
 * calling agent can read and branch on it instead of seeing a protocol error.
 */
async function respond(logger: Logger | undefined, tool: string, fn: () => Promise<{ text: string; data: object; isError?: boolean }>): Promise<CallToolResult> {
  try {
    const r = await fn();
    return { content: [{ type: 'text', text: r.text }], structuredContent: r.data as Record<string, unknown>, ...(r.isError ? { isError: true } : {}) };
  } catch (e) {
    const err = toLoreError(e);
    if (err.code === 'INTERNAL') logger?.error({ err, tool }, 'MCP tool failed');
    const body = { error: { code: err.code, message: err.code === 'INTERNAL' ? 'internal error' : err.message } };
    return { content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body, isError: true };
  }
}
