import type { Command } from 'commander';
import { loadConfig, type LoreConfig } from '../config.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { createAgentService, type AgentService } from '../service.js';

export interface GlobalOptions {
  debug?: boolean;
  dataDir?: string;
  model?: string;
  tenant?: string;
}

/** Config from env + config file, with the global flags on top. Parsed once per command. */
export function configFrom(cmd: Command, env: Record<string, string | undefined> = process.env): LoreConfig {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return loadConfig(env, { dataDir: g.dataDir, model: g.model, tenant: g.tenant });
}

/** Run `fn` with a runtime and always close the database afterwards. */
export async function withRuntime<T>(cmd: Command, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = createRuntime(configFrom(cmd));
  try {
    return await fn(rt);
  } finally {
    rt.close();
  }
}

/** Run `fn` with a runtime and the agent service (durable workflow); closes both afterwards. */
export async function withService<T>(cmd: Command, fn: (svc: AgentService, rt: Runtime) => Promise<T>): Promise<T> {
  return withRuntime(cmd, async (rt) => {
    const svc = createAgentService(rt);
    try {
      return await fn(svc, rt);
    } finally {
      await svc.close();
    }
  });
}
