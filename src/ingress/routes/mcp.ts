import type { Hono } from 'hono';
import { serveMcpRequest } from '../../mcp/http.js';
import type { AppDeps } from '../deps.js';
import type { Env } from '../http.js';

/**
 * The MCP endpoint inside the HTTP API (`POST /mcp`, Streamable HTTP, stateless): the app's auth
 * and rate limit have already run, so the MCP tools act as the same principal as every route.
 */
export function mcpRoutes(app: Hono<Env>, deps: AppDeps): void {
  const mcp = { runner: deps.runner, knowledge: deps.knowledge, topK: deps.config.memory.topK, ...(deps.logger ? { logger: deps.logger } : {}) };
  app.on(['GET', 'POST', 'DELETE'], '/mcp', (c) => serveMcpRequest(c.req.raw, mcp, c.get('principal'), { bodyLimitBytes: deps.config.server.bodyLimitBytes }));
}
