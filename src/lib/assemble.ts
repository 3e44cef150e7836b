import { ConfigError, loadConfig, type LoreConfig } from '../config.js';
import { openRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import type { ToolSource } from '../tools/tool-source.js';
import type { AnyTool } from '../tools/tool.js';
import { defaultPolicies, type ApprovalPolicy } from '../workflow/approvals.js';
import { rulePolicies, splitDefinition, type AgentDefinition, type ScheduleSpec } from './definition.js';

export interface AssembleOptions {
  /** Env vars to read settings from (the CLI passes process.env; the library passes none by default). */
  env?: Record<string, string | undefined>;
  /** Dotted-path settings that beat everything (CLI flags), e.g. `{ 'server.port': '0' }`. */
  overrides?: Record<string, unknown>;
  /** Where errors say the definition came from: the config file's name, or `createAgent()`. */
  label?: string;
  runtime?: Omit<RuntimeOptions, 'tools' | 'systemPrompt' | 'approvalPolicies' | 'provider'>;
}

/** A runtime built from an agent definition, with the parts only the definition knows. */
export interface Assembled {
  config: LoreConfig;
  rt: Runtime;
  schedules: ScheduleSpec[];
  /** Closes the tool sources, then the runtime. */
  close(): Promise<void>;
}

/**
 * Validate a definition, load its tool sources, and build the runtime: tools = the definition's
 * tools + every tool the sources list; approval policies = the definition's rules, then its custom
 * policies, then Lore's defaults (the tool's own flag, the amount threshold).
 */
export async function assemble(def: AgentDefinition, opts: AssembleOptions = {}): Promise<Assembled> {
  const label = opts.label ?? 'createAgent()';
  const fail = (m: string) => new ConfigError(m);
  const { settings, provider, agent } = splitDefinition(def, label, fail);
  const config = loadConfig(opts.env ?? {}, opts.overrides ?? {}, settings);

  // Every ToolSource of the definition. Config-file `mcpServers` entries, turned into ToolSources,
  // are appended to this list too: from here on a source is a source.
  const sources: ToolSource[] = [...(agent.toolSources ?? []), ...(await mcpSources(agent.mcpServers, label))];
  const loaded: ToolSource[] = [];
  const closeSources = async () => {
    await Promise.allSettled(loaded.map((s) => s.close()));
  };
  const tools: AnyTool[] = (agent.tools ?? []).filter((t): t is AnyTool => typeof t !== 'string');
  try {
    for (const source of sources) {
      loaded.push(source);
      let listed: AnyTool[];
      try {
        listed = await source.load();
      } catch (e) {
        throw new ConfigError(`${label}: tool source "${source.name}" failed to load: ${(e as Error).message}`);
      }
      tools.push(...listed);
    }
    const names = new Map<string, number>();
    for (const t of tools) names.set(t.name, (names.get(t.name) ?? 0) + 1);
    const dup = [...names].find(([, n]) => n > 1);
    if (dup) throw new ConfigError(`${label}: tools: "${dup[0]}" is defined twice`);

    const custom: ApprovalPolicy[] = [...rulePolicies(agent.approvalRules ?? [], label), ...(agent.approvalPolicies ?? [])];
    const rt = await openRuntime(config, {
      ...opts.runtime,
      tools,
      ...(provider ? { provider } : {}),
      ...(agent.systemPrompt !== undefined ? { systemPrompt: agent.systemPrompt } : {}),
      ...(custom.length ? { approvalPolicies: [...custom, ...defaultPolicies(config.approvals.amountThreshold)] } : {}),
    });
    for (const [i, r] of (agent.approvalRules ?? []).entries()) {
      if (!rt.tools.get(r.tool)) {
        await rt.close();
        throw new ConfigError(`${label}: approvals.rules[${i}].tool: no tool named "${r.tool}" (tools: ${rt.tools.list().map((t) => t.name).join(', ')})`);
      }
    }
    return {
      config,
      rt,
      schedules: agent.schedules ?? [],
      close: async () => {
        await closeSources();
        await rt.close();
      },
    };
  } catch (e) {
    await closeSources();
    // A built-in tool with the same name as one of ours is reported by the registry: say where.
    if (e instanceof Error && /already registered/.test(e.message)) throw new ConfigError(`${label}: tools: ${e.message}`);
    throw e;
  }
}

/** The settings of a definition alone (validated, merged with env and overrides), without building anything. */
export function resolveConfig(def: AgentDefinition, opts: Pick<AssembleOptions, 'env' | 'overrides' | 'label'> = {}): LoreConfig {
  const { settings } = splitDefinition(def, opts.label ?? 'createAgent()', (m) => new ConfigError(m));
  return loadConfig(opts.env ?? {}, opts.overrides ?? {}, settings);
}

/**
 * The definition's `mcpServers` as tool sources. The MCP SDK is imported only when servers are
 * configured, so an agent without them never loads it. A bad entry names its key path.
 */
async function mcpSources(servers: Record<string, unknown> | undefined, label: string): Promise<ToolSource[]> {
  if (!servers || !Object.keys(servers).length) return [];
  const { createMcpToolSources, mcpServersSchema } = await import('../mcp/index.js');
  const parsed = mcpServersSchema.safeParse(servers);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${label}: mcpServers.${issue.path.join('.')}: ${issue.message}`);
  }
  return createMcpToolSources(parsed.data);
}
