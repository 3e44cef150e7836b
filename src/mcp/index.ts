import { LoreError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { AnyTool } from '../tools/tool.js';
import type { ToolSource } from '../tools/tool-source.js';
import { mcpServersSchema, type McpServerConfig, type McpServerConfigInput } from './config.js';
import { McpToolSource, type McpToolSourceDeps } from './tool-source.js';

export {
  mcpServerSchema,
  mcpServersSchema,
  mcpServerNameSchema,
  mcpToolPolicySchema,
  type McpServerConfig,
  type McpServerConfigInput,
  type McpToolPolicy,
} from './config.js';
export { McpToolSource, type McpToolSourceDeps } from './tool-source.js';
export { namespacedToolName } from './names.js';
export { createLoreMcpServer, type LoreMcpDeps, type PrincipalResolver } from './server.js';
export { handleMcpHttp, serveMcpRequest, startMcpHttpServer, type McpHttpOptions, type McpHttpServer } from './http.js';

/**
 * One tool source per configured MCP server. Input is validated here too, so a config merged from
 * anywhere (file, code) fails with the field that is wrong rather than at the first call.
 */
export function createMcpToolSources(servers: Record<string, McpServerConfigInput | McpServerConfig>, deps: McpToolSourceDeps = {}): McpToolSource[] {
  const parsed = mcpServersSchema.parse(servers);
  return Object.entries(parsed).map(([name, config]) => new McpToolSource(name, config, deps));
}

export interface LoadedToolSources {
  tools: AnyTool[];
  /** Sources that could not be loaded (their tools are missing), with the reason. */
  failed: Array<{ source: string; error: string }>;
  /** Close every source (kills stdio children); safe to call twice. */
  close(): Promise<void>;
}

/**
 * Load every source once, before the runtime is created: `createRuntime(config, { tools })`.
 * A source that fails to load is logged and skipped (its tools are absent) unless `required`,
 * so one broken server does not keep the agent from starting.
 */
export async function loadToolSources(
  sources: ToolSource[],
  opts: { logger?: Logger; signal?: AbortSignal; required?: boolean } = {},
): Promise<LoadedToolSources> {
  const results = await Promise.allSettled(sources.map((s) => s.load(opts.signal ? { signal: opts.signal } : {})));
  const tools: AnyTool[] = [];
  const failed: LoadedToolSources['failed'] = [];
  results.forEach((r, i) => {
    const source = sources[i]!.name;
    if (r.status === 'fulfilled') {
      tools.push(...r.value);
      opts.logger?.info({ toolSource: source, tools: r.value.length }, 'tool source loaded');
    } else {
      const error = r.reason instanceof Error ? r.reason.message : String(r.reason);
      failed.push({ source, error });
      opts.logger?.error({ toolSource: source, err: error }, 'tool source failed to load; its tools are unavailable');
    }
  });
  const close = async () => {
    await Promise.allSettled(sources.map((s) => s.close()));
  };
  if (opts.required && failed.length) {
    await close();
    throw new LoreError('TOOL_FAILED', `tool sources failed to load: ${failed.map((f) => `${f.source} (${f.error})`).join('; ')}`);
  }
  return { tools, failed, close };
}
