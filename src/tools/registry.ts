import { z } from 'zod';
import type { ToolSpec } from '../models/types.js';
import type { AnyTool, ToolDefinition } from './tool.js';

/** Holds the tools an agent may call and renders them as Converse toolSpecs. */
export class ToolRegistry {
  private readonly tools = new Map<string, AnyTool>();

  constructor(tools: Iterable<AnyTool> = []) {
    for (const t of tools) this.register(t);
  }

  register<S extends z.ZodType>(tool: ToolDefinition<S>): this {
    if (this.tools.has(tool.name)) throw new Error(`tool "${tool.name}" is already registered`);
    this.tools.set(tool.name, tool as unknown as AnyTool);
    return this;
  }

  get(name: string): AnyTool | undefined {
    return this.tools.get(name);
  }

  list(): AnyTool[] {
    return [...this.tools.values()];
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  /** A new registry with these tools plus `extra` (per-request tools never mutate the shared one). */
  with(extra: Iterable<AnyTool>): ToolRegistry {
    return new ToolRegistry([...this.list(), ...extra]);
  }

  specs(): ToolSpec[] {
    return this.list().map((t) => ({ name: t.name, description: t.description, inputSchema: { json: inputJsonSchema(t) } }));
  }
}

const schemaCache = new WeakMap<AnyTool, Record<string, unknown>>();

/**
 * The tool's input schema as JSON Schema, as the model sees it: the tool's own JSON Schema when it
 * carries one (MCP tools), else its zod schema converted (draft 2020-12).
 */
export function inputJsonSchema(tool: AnyTool): Record<string, unknown> {
  let s = schemaCache.get(tool);
  if (!s) {
    s = tool.inputSchema
      ? { ...tool.inputSchema.json }
      : (z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
    delete s.$schema;
    schemaCache.set(tool, s);
  }
  return s;
}
