import { z } from 'zod';

/**
 * How Lore reaches one MCP server and how it treats that server's tools. Validated where the
 * config is read (config file key `mcpServers`: a record of server name → this schema).
 */

/** Per-tool overrides; the key is the server's own tool name, or '*' for every tool of the server. */
export const mcpToolPolicySchema = z
  .object({
    /** Changes the world: recorded in the effect ledger, checked by the amount policy. */
    mutating: z.boolean().optional(),
    /** Every call waits for a person (AWAITING_APPROVAL). */
    requiresApproval: z.boolean().optional(),
    /** Safe to call again with the same input (also allows one retry after a reconnect). */
    idempotent: z.boolean().optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
  })
  .strict();

const common = {
  /** Default per-call timeout for this server's tools. */
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  /** Connecting (spawn + initialize handshake) may take this long per attempt. */
  connectTimeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /** Reconnect attempts before a call gives up with MCP_UNAVAILABLE. */
  reconnectAttempts: z.number().int().min(0).max(10).default(3),
  tools: z.record(z.string().min(1), mcpToolPolicySchema).default({}),
  /** Only these tools (server names); default all. */
  include: z.array(z.string().min(1)).optional(),
  /** Never these tools (server names). */
  exclude: z.array(z.string().min(1)).optional(),
};

export const mcpStdioServerSchema = z
  .object({
    transport: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    /** Added to a minimal safe environment (PATH, HOME, …); the parent's secrets are not inherited. */
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    ...common,
  })
  .strict();

export const mcpHttpServerSchema = z
  .object({
    transport: z.literal('http'),
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).optional(),
    ...common,
  })
  .strict();

export const mcpServerSchema = z.discriminatedUnion('transport', [mcpStdioServerSchema, mcpHttpServerSchema]);

/** A server name becomes the tool-name prefix, so it must fit Bedrock's tool-name rule. */
export const mcpServerNameSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,31}$/, 'a server name is a letter then letters, digits, _ or - (max 32)');

// Names are checked apart from the record's key schema: zod reports a bad record key only as
// "Invalid key in record", and a config error should say what a server name may be.
export const mcpServersSchema = z.record(z.string(), mcpServerSchema).superRefine((servers, ctx) => {
  for (const name of Object.keys(servers)) {
    const r = mcpServerNameSchema.safeParse(name);
    if (!r.success) ctx.addIssue({ code: 'custom', path: [name], message: `${JSON.stringify(name)} is not a valid server name: ${r.error.issues[0]!.message}` });
  }
});

export type McpServerConfig = z.infer<typeof mcpServerSchema>;
export type McpServerConfigInput = z.input<typeof mcpServerSchema>;
export type McpToolPolicy = z.infer<typeof mcpToolPolicySchema>;
