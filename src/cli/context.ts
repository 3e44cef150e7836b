import type { Command } from 'commander';
import type { LoreConfig } from '../config.js';
import type { Assembled } from '../lib/assemble.js';
import type { AgentDefinition } from '../lib/definition.js';
import type { Runtime } from '../runtime.js';
import type { AgentService } from '../service.js';

// Modules are imported inside the functions: `lore --help` and `lore --version` load none of them.

export interface GlobalOptions {
  debug?: boolean;
  dataDir?: string;
  model?: string;
  tenant?: string;
  config?: string;
}

/** The agent definition of `--config <path>` or of the lore.config.* in the working directory ({} if none). */
export async function definitionFrom(cmd: Command, cwd = process.cwd()): Promise<{ definition: AgentDefinition; label?: string; path?: string }> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const { findConfigFile, loadConfigFile } = await import('../lib/config-file.js');
  const path = findConfigFile(cwd, g.config);
  if (!path) return { definition: {} };
  const { definition, label } = await loadConfigFile(path);
  return { definition, label, path };
}

/**
 * The runtime of the config file's agent, with settings from (lowest first) the file, env vars
 * and the global flags; `overrides` (dotted paths, e.g. from `serve --port`) beat all of them.
 */
export async function assembleFrom(cmd: Command, overrides: Record<string, unknown> = {}, env: Record<string, string | undefined> = process.env, o: InteractiveOptions = {}): Promise<Assembled> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const { definition, label } = await definitionFrom(cmd);
  const { assemble } = await import('../lib/assemble.js');
  // An interactive command prints what matters itself (answers, pending approvals, learnings):
  // JSON log lines at info/warn would only repeat it between the answers. Errors still show, and
  // LORE_LOG_LEVEL or the config file's logLevel, when set, win.
  const quiet = o.interactive && env.LORE_LOG_LEVEL === undefined && definition.logLevel === undefined ? { logLevel: 'error' } : {};
  return assemble(definition, { env, overrides: { dataDir: g.dataDir, model: g.model, tenant: g.tenant, ...quiet, ...overrides }, ...(label ? { label } : {}) });
}

export interface InteractiveOptions {
  /** A command a person reads (ask, chat): logs below `error` are muted unless configured. */
  interactive?: boolean;
}

/** Run `fn` with a runtime and always close it (tool sources, database) afterwards. */
export async function withRuntime<T>(cmd: Command, fn: (rt: Runtime) => Promise<T>, o: InteractiveOptions = {}): Promise<T> {
  const a = await assembleFrom(cmd, {}, process.env, o);
  try {
    return await fn(a.rt);
  } finally {
    await a.close();
  }
}

/** Run `fn` with a runtime and the agent service (durable workflow); closes both afterwards. */
export async function withService<T>(cmd: Command, fn: (svc: AgentService, rt: Runtime) => Promise<T>, o: InteractiveOptions = {}): Promise<T> {
  const { createAgentService } = await import('../service.js');
  return withRuntime(cmd, async (rt) => {
    const svc = createAgentService(rt);
    try {
      return await fn(svc, rt);
    } finally {
      await svc.close();
    }
  }, o);
}

/** The settings alone (config file, env vars, global flags), for commands that build no runtime. */
export async function configFrom(cmd: Command, env: Record<string, string | undefined> = process.env): Promise<LoreConfig> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const { definition, label } = await definitionFrom(cmd);
  const { resolveConfig } = await import('../lib/assemble.js');
  return resolveConfig(definition, { env, overrides: { dataDir: g.dataDir, model: g.model, tenant: g.tenant }, ...(label ? { label } : {}) });
}
