import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { LoreError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import { defineJsonSchemaTool, type JsonSchema } from '../tools/json-schema-tool.js';
import type { AnyTool } from '../tools/tool.js';
import type { ToolSource } from '../tools/tool-source.js';
import type { McpServerConfig, McpToolPolicy } from './config.js';
import { McpConnection } from './connection.js';
import { namespacedToolName } from './names.js';

export interface McpToolSourceDeps {
  logger?: Logger;
  clientInfo?: { name: string; version: string };
  backoffMs?: (attempt: number) => number;
}

/** The tools of one MCP server, namespaced `server__tool`, as Lore tools. */
export class McpToolSource implements ToolSource {
  readonly connection: McpConnection;

  constructor(
    readonly name: string,
    private readonly config: McpServerConfig,
    deps: McpToolSourceDeps = {},
  ) {
    this.connection = new McpConnection({ name, config, ...deps });
  }

  async load(opts: { signal?: AbortSignal } = {}): Promise<AnyTool[]> {
    const listed = await this.connection.listTools(opts.signal);
    const { include, exclude } = this.config;
    const seen = new Set<string>();
    const tools: AnyTool[] = [];
    for (const t of listed) {
      if (include && !include.includes(t.name)) continue;
      if (exclude?.includes(t.name) || seen.has(t.name)) continue;
      seen.add(t.name);
      tools.push(this.toTool(t));
    }
    return tools;
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  /**
   * Flags: config for this tool, then config for '*', then the server's annotations. The MCP spec
   * defaults a tool without annotations to "may change the world", so only `readOnlyHint: true`
   * makes a tool non-mutating unless config says otherwise.
   */
  private toTool(t: Tool): AnyTool {
    const policy: McpToolPolicy = { ...this.config.tools['*'], ...this.config.tools[t.name] };
    const a = t.annotations ?? {};
    const mutating = policy.mutating ?? a.readOnlyHint !== true;
    const idempotent = policy.idempotent ?? (a.idempotentHint === true || a.readOnlyHint === true);
    const timeoutMs = policy.timeoutMs ?? this.config.timeoutMs;
    const server = this.name;
    const conn = this.connection;
    return defineJsonSchemaTool({
      name: namespacedToolName(server, t.name),
      description: t.description?.trim() || t.title || a.title || `${t.name} (tool of the ${server} MCP server)`,
      inputSchema: { json: t.inputSchema as JsonSchema },
      mutating,
      idempotent,
      timeoutMs,
      ...(policy.requiresApproval !== undefined ? { requiresApproval: policy.requiresApproval } : {}),
      handler: async (input, ctx) => {
        const r = await conn.callTool(t.name, input, { signal: ctx.signal, timeoutMs, retrySafe: idempotent || !mutating });
        if (r.isError) {
          const text = contentText(r) || 'the tool reported an error without a message';
          throw new LoreError('MCP_TOOL_ERROR', `${t.name} (MCP server "${server}") failed: ${text}`, { details: { server, tool: t.name } });
        }
        return toOutput(r);
      },
    });
  }
}

/** What the model gets: structured content when the server sent it, else the content as text. */
function toOutput(r: CallToolResult): unknown {
  if (r.structuredContent && typeof r.structuredContent === 'object') return r.structuredContent;
  return contentText(r);
}

function contentText(r: CallToolResult): string {
  const parts = (r.content ?? []).map((c) => {
    switch (c.type) {
      case 'text':
        return c.text;
      case 'resource':
        return 'text' in c.resource ? c.resource.text : `[resource ${c.resource.uri}]`;
      case 'resource_link':
        return `[resource ${c.uri}${c.name ? ` "${c.name}"` : ''}]`;
      default:
        // Images and audio cannot be forwarded as a tool result; say what was there.
        return `[${c.type} ${'mimeType' in c ? c.mimeType : ''}]`.replace(' ]', ']');
    }
  });
  return parts.join('\n');
}
