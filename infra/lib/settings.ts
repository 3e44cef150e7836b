import type { Node } from 'constructs';
import { z } from 'zod';

/**
 * The deployment's choices, read from CDK context (`-c key=value` or cdk.json's "context"), validated
 * once. Everything has a default so `npx cdk synth` works with no context and no account.
 */
const auth = z.discriminatedUnion('mode', [
  // A Cognito user pool and app client created by the stack.
  z.object({ mode: z.literal('cognito') }),
  // Tokens from an identity provider you already run (Auth0, Entra ID, Okta, another pool…).
  z.object({ mode: z.literal('jwt'), issuer: z.string().url(), audience: z.string().min(1) }),
]);

export const settingsSchema = z.object({
  /** Bedrock model id the agent answers with; IAM is scoped to this model only. */
  modelId: z.string().regex(/^[\w.:-]+$/).default('anthropic.claude-3-5-haiku-20241022-v1:0'),
  /** Embedding model of the created Knowledge Base. */
  embeddingModelId: z.string().regex(/^[\w.:-]+$/).default('amazon.titan-embed-text-v2:0'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/).default('us-east-1'),
  /** `create` a Knowledge Base (S3 Vectors store + S3 data source), or the id of an existing one. */
  knowledgeBase: z.union([z.literal('create'), z.string().regex(/^[A-Z0-9]{10}$/, 'a Knowledge Base id (10 upper-case letters/digits)')]).default('create'),
  /**
   * With an existing Knowledge Base (searched read-only beside Lore's knowledge): who may read it.
   * It has no Lore tenant metadata, so one is required: the one tenant allowed, and/or the metadata
   * key whose value is the tenant id (LORE_EXTERNAL_KB_TENANT / LORE_EXTERNAL_KB_TENANT_KEY).
   */
  knowledgeBaseTenant: z.string().min(1).optional(),
  knowledgeBaseTenantKey: z.string().min(1).max(100).optional(),
  /** Minutes between scheduled ingestion syncs of the created Knowledge Base (EventBridge rule). */
  kbSyncMinutes: z.number().int().min(1).max(60).default(2),
  auth: auth.default({ mode: 'cognito' }),
  /** Create a Bedrock Guardrail and screen through it (LORE_GUARDRAIL_PROVIDER=bedrock). */
  guardrail: z.boolean().default(false),
  logRetentionDays: z.union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(365)]).default(30),
  /**
   * Who may change the shared knowledge (README "Governance"). Set for every function alike, so an
   * interactive turn (API function, auth configured) and a queued one (step functions) follow the
   * same rule; `review` keeps a learning personal until a curator approves it.
   */
  learningMode: z.enum(['auto', 'review', 'off']).default('review'),
  /** How long an approval may wait for a person (AwaitApproval's TimeoutSeconds). */
  approvalTimeoutSeconds: z.number().int().min(60).max(365 * 24 * 3600).default(24 * 3600),
}).superRefine((s, ctx) => {
  // Fail closed at synth: an existing Knowledge Base without a tenant rule would be every tenant's.
  if (s.knowledgeBase !== 'create' && !s.knowledgeBaseTenant && !s.knowledgeBaseTenantKey) {
    ctx.addIssue({ code: 'custom', path: ['knowledgeBase'], message: 'an existing Knowledge Base needs lore:knowledgeBaseTenant (the one tenant allowed to read it) or lore:knowledgeBaseTenantKey (its metadata key holding the tenant id)' });
  }
});

export type DeploySettings = z.infer<typeof settingsSchema>;

const bool = (v: unknown) => (v === 'true' ? true : v === 'false' ? false : v);
const json = (v: unknown) => (typeof v === 'string' && v.trim().startsWith('{') ? JSON.parse(v) : v);
const num = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);

/** Context values arrive as strings from `-c`, as JSON from cdk.json: accept both. */
export function settingsFrom(node: Node): DeploySettings {
  const get = (k: string) => node.tryGetContext(`lore:${k}`) as unknown;
  const raw = Object.fromEntries(
    Object.entries({
      modelId: get('modelId'),
      embeddingModelId: get('embeddingModelId'),
      region: get('region'),
      knowledgeBase: get('knowledgeBase'),
      knowledgeBaseTenant: get('knowledgeBaseTenant'),
      knowledgeBaseTenantKey: get('knowledgeBaseTenantKey'),
      kbSyncMinutes: num(get('kbSyncMinutes')),
      auth: json(get('auth')),
      guardrail: bool(get('guardrail')),
      logRetentionDays: num(get('logRetentionDays')),
      approvalTimeoutSeconds: num(get('approvalTimeoutSeconds')),
      learningMode: get('learningMode'),
    }).filter(([, v]) => v !== undefined),
  );
  const r = settingsSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`CDK context lore:${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}
