import { z } from 'zod';
import { configSchema, describeIssue } from '../config.js';
import { parseSchedule } from '../ingress/cron.js';
import type { McpServerConfigInput } from '../mcp/config.js';
import type { ModelProvider } from '../models/provider.js';
import type { ToolSource } from '../tools/tool-source.js';
import { inputJsonSchema } from '../tools/registry.js';
import type { AnyTool } from '../tools/tool.js';
import type { ApprovalPolicy } from '../workflow/approvals.js';

/**
 * The agent definition: what `createAgent()` takes and what a `lore.config.*` file exports. It is
 * the settings of `configSchema` (model, memory, approvals, budgets…; every key optional, same
 * names as in the JSON config and the env vars) plus the keys that describe the agent itself.
 */
export type LoreSettings = Tighten<z.input<typeof configSchema>, z.output<typeof configSchema>>;

/**
 * The schema's input type, with the leaves zod can only call `unknown` (numbers coerced from env
 * strings, `z.coerce`/`preprocess`) given their parsed type: in a config file `memory.topK` is a
 * number, and `topK: 'five'` should fail in the editor rather than at start-up.
 */
type Tighten<I, O> = {
  [K in keyof I]: unknown extends I[K]
    ? K extends keyof O
      ? O[K]
      : I[K]
    : NonNullable<I[K]> extends readonly unknown[]
      ? I[K]
      : NonNullable<I[K]> extends object
        ? K extends keyof O
          ? Tighten<NonNullable<I[K]>, NonNullable<O[K]>> | Extract<I[K], undefined>
          : I[K]
        : I[K];
};

/** A declarative approval rule: always ask for `tool`, or only when `input[field] > above`. */
export interface ApprovalRule {
  tool: string;
  /** Numeric input field compared with `above` (default `amount`). */
  field?: string;
  /** Ask only when the field is above this; without it every call of the tool asks. */
  above?: number;
}

/** A turn run on a schedule (the EventBridge-triggered turn of a hosted deployment). */
export interface ScheduleSpec {
  /** Unique job name; the turns go to session `schedule-<name>` unless `sessionId` is set. */
  name: string;
  /** 5-field cron, evaluated in UTC (`0 9 * * 1-5` = 09:00 UTC on weekdays); `@daily` etc. accepted. */
  cron: string;
  /** The message sent to the agent as if a user had typed it. */
  message: string;
  sessionId?: string;
  /** Default `local` (the local user, whose sessions the chat page lists on a server without auth). */
  userId?: string;
  /** Default: the configured tenant. */
  tenantId?: string;
}

export interface AgentDefinition extends Omit<LoreSettings, 'model' | 'approvals'> {
  /** `offline | bedrock:<modelId> | openai:<model>@<baseUrl>`, or your own ModelProvider. */
  model?: string | ModelProvider;
  /** The agent's persona: who it is and how it answers. Lore's knowledge/learning/tool instructions are always appended. */
  systemPrompt?: string;
  /** Tools next to the built-ins. In a .json config: module paths whose default export is a tool or an array of tools, or whose named exports are tools. */
  tools?: Array<AnyTool | string>;
  /** Tools discovered at start-up (MCP servers, plugins); loaded once, closed with the agent. */
  toolSources?: ToolSource[];
  /** MCP servers by name (see the MCP section of the README): `{ transport: 'stdio', command, args? }` or `{ transport: 'http', url }`. */
  mcpServers?: Record<string, McpServerConfigInput>;
  /** Approval settings (`ttlSeconds`, `amountThreshold`) plus rules and custom policies. */
  approvals?: LoreSettings['approvals'] & {
    rules?: ApprovalRule[];
    /** Custom policies: return a reason to pause the call for a person, or null. Checked after the rules. */
    policies?: ApprovalPolicy[];
  };
  /** Turns run on a cron schedule (UTC) by `lore serve`, and by `createAgent()` while the agent is open. */
  schedules?: ScheduleSpec[];
}

/** Identity helper for `lore.config.ts`: types the object you export. */
export function defineConfig<T extends AgentDefinition>(def: T): T {
  return def;
}

/** Keys that describe the agent rather than settings of configSchema. */
export const AGENT_KEYS = ['systemPrompt', 'tools', 'toolSources', 'mcpServers', 'schedules'] as const;
const APPROVAL_AGENT_KEYS = ['rules', 'policies'] as const;

const fn = (what: string) => z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', { message: `expected ${what} (a function)` });
const zodSchema = z.custom<z.ZodType>((v) => typeof (v as { safeParse?: unknown })?.safeParse === 'function', { message: 'expected a zod schema' });

const toolShape = z.looseObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'a name matching ^[a-zA-Z][a-zA-Z0-9_-]{0,63}$'),
  description: z.string().min(1, 'expected a description for the model'),
  input: zodSchema,
  handler: fn('a handler'),
  mutating: z.boolean().optional(),
  requiresApproval: z.union([z.boolean(), fn('a predicate')]).optional(),
  idempotent: z.boolean().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const cronExpr = z.string().superRefine((v, ctx) => {
  try {
    if (parseSchedule(v).kind !== 'cron') ctx.addIssue({ code: 'custom', message: 'expected a 5-field cron expression (UTC)' });
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});
const idText = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'an id (letters, digits, . _ : @ -; at most 128)');

export const agentKeysSchema = z.object({
  systemPrompt: z.string().trim().min(1, 'expected a non-empty prompt').max(20_000).optional(),
  // Each entry is checked below, as a tool or a module path, so errors point into the tool.
  tools: z.array(z.unknown()).optional(),
  toolSources: z.array(z.looseObject({ name: z.string().min(1), load: fn('load()'), close: fn('close()') })).optional(),
  mcpServers: z.record(z.string(), z.unknown()).optional(),
  schedules: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'a job name (letters, digits, _ -)'),
        cron: cronExpr,
        message: z.string().trim().min(1).max(32_000),
        sessionId: idText.optional(),
        userId: idText.optional(),
        tenantId: idText.optional(),
      }),
    )
    .optional(),
  approvalRules: z
    .array(z.strictObject({ tool: z.string().min(1), field: z.string().min(1).optional(), above: z.number().finite().optional() }))
    .optional(),
  approvalPolicies: z.array(fn('a policy')).optional(),
});

/** The definition split into configSchema settings and the agent's own parts (validated). */
export interface SplitDefinition {
  settings: Record<string, unknown>;
  provider?: ModelProvider;
  agent: Omit<AgentDefinition, keyof LoreSettings> & { approvalRules?: ApprovalRule[]; approvalPolicies?: ApprovalPolicy[] };
}

/** `tools[1].name` from a zod issue path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/**
 * Validate a definition and split it. Errors are ConfigErrors saying where: `<label>: <key path>:
 * <problem>` (label: the config file's name, or `createAgent()`).
 */
export function splitDefinition(def: unknown, label: string, fail: (message: string) => Error): SplitDefinition {
  if (typeof def !== 'object' || def === null || Array.isArray(def)) throw fail(`${label}: expected an object (export default defineConfig({ … }))`);
  const { model, approvals, ...rest } = def as Record<string, unknown> & { approvals?: unknown };
  const settings: Record<string, unknown> = {};
  const agentRaw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    if ((AGENT_KEYS as readonly string[]).includes(k)) agentRaw[k] = v;
    else settings[k] = v;
  }
  let provider: ModelProvider | undefined;
  if (typeof model === 'object' && model !== null) {
    if (typeof (model as ModelProvider).converse !== 'function') throw fail(`${label}: model: expected a model spec string or a ModelProvider`);
    provider = model as ModelProvider;
  } else if (model !== undefined) settings.model = model;
  if (approvals !== undefined) {
    if (typeof approvals !== 'object' || approvals === null) throw fail(`${label}: approvals: expected an object`);
    const { rules, policies, ...ap } = approvals as Record<string, unknown>;
    settings.approvals = ap;
    if (rules !== undefined) agentRaw.approvalRules = rules;
    if (policies !== undefined) agentRaw.approvalPolicies = policies;
  }

  const s = configSchema.safeParse(settings);
  if (!s.success) throw fail(`${label}: ${describe(s.error.issues[0]!, settings)}`);
  const a = agentKeysSchema.safeParse(agentRaw);
  if (!a.success) {
    const issue = a.error.issues[0]!;
    const path = issue.path[0] === 'approvalRules' ? ['approvals', 'rules', ...issue.path.slice(1)] : issue.path[0] === 'approvalPolicies' ? ['approvals', 'policies', ...issue.path.slice(1)] : issue.path;
    throw fail(`${label}: ${formatPath(path)}: ${describeIssue(issue)}`);
  }
  for (const [i, t] of (a.data.tools ?? []).entries()) {
    if (typeof t === 'string') {
      if (!t) throw fail(`${label}: tools[${i}]: expected a tool (defineTool) or a module path`);
      continue;
    }
    const r = toolShape.safeParse(t);
    if (!r.success) throw fail(`${label}: ${formatPath(['tools', i, ...r.error.issues[0]!.path])}: ${describeIssue(r.error.issues[0]!)}`);
    const root = rootType(t as AnyTool);
    if (root !== undefined && root !== 'object') {
      throw fail(`${label}: tools[${i}].input: expected an object schema (z.object({ … })): models pass tool arguments as a JSON object, got a "${root}" schema`);
    }
  }
  const names = new Set<string>();
  for (const [i, sch] of (a.data.schedules ?? []).entries()) {
    if (names.has(sch.name)) throw fail(`${label}: schedules[${i}].name: "${sch.name}" is used twice`);
    names.add(sch.name);
  }
  // The validated values are the user's own objects (schemas, handlers): pass those on, not zod's copies.
  return { settings, ...(provider ? { provider } : {}), agent: agentRaw as SplitDefinition['agent'] };
}

function describe(issue: z.core.$ZodIssue, settings: Record<string, unknown>): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${formatPath(issue.path)}: ` : '';
    const top = issue.path.length === 0 ? `; settings keys are ${Object.keys(configSchema.shape).join(', ')}, agent keys ${AGENT_KEYS.join(', ')}` : '';
    return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${top}`;
  }
  const got = issue.path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[k] : undefined), settings);
  return `${formatPath(issue.path) || 'config'}: ${describeIssue(issue)}${got !== undefined && typeof got !== 'object' ? `, got ${JSON.stringify(got)}` : ''}`;
}

/**
 * The JSON Schema type at the root of a tool's input, when it names one. Bedrock and OpenAI-style
 * APIs take only object schemas there: a `z.string()` input would pass here and fail at the first
 * real model call, far from the mistake.
 */
function rootType(tool: AnyTool): string | undefined {
  try {
    const type = inputJsonSchema(tool).type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined; // not representable: the registry reports it where it converts the schema
  }
}

/** Rules as ApprovalPolicies, in order; each names the rule that matched. */
export function rulePolicies(rules: ApprovalRule[], label: string): ApprovalPolicy[] {
  return rules.map((r) => (call) => {
    if (call.name !== r.tool) return null;
    if (r.above === undefined) return `${r.tool} always requires approval (approval rule in ${label})`;
    const field = r.field ?? 'amount';
    const v = (call.input as Record<string, unknown> | null)?.[field];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
    return Number.isFinite(n) && n > r.above ? `${field} ${n} is above ${r.above} (approval rule for ${r.tool} in ${label})` : null;
  });
}
