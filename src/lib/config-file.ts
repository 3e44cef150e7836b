import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config.js';
import type { AgentDefinition } from './definition.js';

/** Looked for, in this order, in the working directory. */
export const CONFIG_FILE_NAMES = ['lore.config.ts', 'lore.config.mts', 'lore.config.js', 'lore.config.mjs', 'lore.config.json'] as const;

export interface LoadedConfigFile {
  /** Absolute path of the file. */
  path: string;
  /** The file name, used to say where an error is. */
  label: string;
  definition: AgentDefinition;
}

/** The config file to use: `explicit` (must exist) or the first of CONFIG_FILE_NAMES in `cwd`; undefined if none. */
export function findConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit) {
    const path = isAbsolute(explicit) ? explicit : resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError(`--config: file not found: ${path}`);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Load a config file's definition: its default export (an object or a function returning one,
 * possibly async). TypeScript files are compiled on the fly by jiti (the loader ESLint and
 * Tailwind use for their TS configs), so no TypeScript tooling is needed at run time. In a .json
 * config, `tools` holds module paths (relative to the file), imported here.
 */
export async function loadConfigFile(path: string): Promise<LoadedConfigFile> {
  const label = basename(path);
  let definition: unknown;
  if (path.endsWith('.json')) {
    try {
      definition = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${label}: not valid JSON (${(e as Error).message})`);
    }
    definition = await resolveToolModules(definition, dirname(path), label);
  } else {
    let mod: unknown;
    try {
      mod = await importModule(path);
    } catch (e) {
      throw new ConfigError(`${label}: could not be loaded: ${(e as Error).message}`);
    }
    // Named exports alone are not a config: `export const x = 1` would otherwise be read as one
    // and fail on an "unknown key" that hides what is missing.
    if (typeof mod !== 'object' || mod === null || !('default' in mod)) {
      throw new ConfigError(`${label}: has no default export (export default defineConfig({ … }))`);
    }
    definition = (mod as { default: unknown }).default;
    if (typeof definition === 'function') definition = await (definition as () => unknown)();
    definition = await resolveToolModules(definition, dirname(path), label);
  }
  definition = withMcpCwd(definition, dirname(path));
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw new ConfigError(`${label}: expected the default export to be an object (export default defineConfig({ … }))`);
  }
  return { path, label, definition: definition as AgentDefinition };
}

/** .ts/.mts through jiti; plain JavaScript through Node's own import. */
async function importModule(path: string): Promise<unknown> {
  if (/\.m?ts$/.test(path)) {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false });
    return jiti.import(path);
  }
  return import(pathToFileURL(path).href);
}

/**
 * A stdio MCP server of a config file starts in the file's directory unless it names its own
 * `cwd`: `args: ['shop-mcp.js']` means the file next to the config, as tool module paths do, and
 * keeps working when the command runs elsewhere (`lore --config ../app/lore.config.ts serve`).
 */
function withMcpCwd(def: unknown, dir: string): unknown {
  const servers = (def as { mcpServers?: unknown })?.mcpServers;
  if (!isRecord(servers)) return def;
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(servers)) {
    out[name] = isRecord(s) && s.transport === 'stdio' && s.cwd === undefined ? { ...s, cwd: dir } : s;
  }
  return { ...(def as object), mcpServers: out };
}

/** Replace module paths in `tools` by the tools those modules export. */
async function resolveToolModules(def: unknown, dir: string, label: string): Promise<unknown> {
  const tools = (def as { tools?: unknown })?.tools;
  if (!Array.isArray(tools) || !tools.some((t) => typeof t === 'string')) return def;
  const out: unknown[] = [];
  for (const [i, t] of tools.entries()) {
    if (typeof t !== 'string') {
      out.push(t);
      continue;
    }
    const path = isAbsolute(t) ? t : resolve(dir, t);
    let mod: unknown;
    try {
      mod = await importModule(path);
    } catch (e) {
      throw new ConfigError(`${label}: tools[${i}]: could not import ${JSON.stringify(t)}: ${(e as Error).message}`);
    }
    const exported = toolsExportedBy(mod);
    if (!exported.length) {
      throw new ConfigError(
        `${label}: tools[${i}]: ${JSON.stringify(t)} exports no tool (export default a tool or an array of tools, or export tools made with defineTool by name)`,
      );
    }
    out.push(...exported);
  }
  return { ...(def as object), tools: out };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Looks like a tool: named, with a handler (the schema check later says what else is wrong). */
const isToolLike = (v: unknown): boolean => isRecord(v) && typeof v.name === 'string' && 'handler' in v;

/**
 * The tools a module offers: its default export (a tool, even a malformed one, so the schema
 * check names the bad field; or an array), else every named export that is a tool — what
 * `lore init`'s tools/refund.ts and most tool files look like (`export const issueRefund = defineTool(…)`).
 * jiti hands a module without a default export its namespace as `default`, hence both are read.
 */
export function toolsExportedBy(mod: unknown): unknown[] {
  if (!isRecord(mod)) return [];
  const d = mod.default;
  if (Array.isArray(d)) return d;
  if (isRecord(d) && 'name' in d && 'handler' in d) return [d];
  const found = new Set<unknown>();
  for (const source of [mod, isRecord(d) ? d : {}]) {
    for (const [k, v] of Object.entries(source)) if (k !== 'default' && isToolLike(v)) found.add(v);
  }
  return [...found];
}
