import type { AnyTool } from './tool.js';

/**
 * A provider of tools discovered at start-up rather than written in code: an MCP server, a plugin.
 * The runtime loads every source once, registers the tools it lists, and closes it on shutdown.
 */
export interface ToolSource {
  /** Short name, used in logs and error messages. */
  readonly name: string;
  /** Connects if needed and lists the tools. Called once at start-up. */
  load(opts?: { signal?: AbortSignal }): Promise<AnyTool[]>;
  /** Disconnects; safe to call twice. */
  close(): Promise<void>;
}
