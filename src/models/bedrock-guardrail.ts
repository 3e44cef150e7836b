import type { ApplyGuardrailCommandOutput, GuardrailAssessment } from '@aws-sdk/client-bedrock-runtime';
import { LoreError } from '../errors.js';
import type { BedrockCredentials } from './bedrock-client.js';
import { canonicalText } from '../guardrails/normalize.js';
import { strongest, type Finding, type FindingCategory, type GuardAction, type Guardrail, type ScreenRequest, type ScreenResult } from '../guardrails/port.js';

/**
 * Amazon Bedrock Guardrails through ApplyGuardrail (`POST /guardrail/{id}/version/{v}/apply`):
 * the guardrail configured in the AWS account (denied topics, content filters incl. prompt
 * attacks, word filters, PII entities and regexes) judges the text. The SDK is imported lazily so
 * installations that never use Bedrock do not load it.
 *
 * Mapping: any BLOCKED assessment → block; ANONYMIZED PII (no block) → redact, taking Bedrock's
 * output text with its `{EMAIL}` placeholders rewritten to ours (`[EMAIL]`); nothing → allow.
 */

export interface BedrockGuardOptions {
  guardrailId: string;
  guardrailVersion: string;
  region: string;
  endpoint?: string;
  credentials?: BedrockCredentials;
  timeoutMs: number;
}

/** Bedrock PII entity types → our placeholder names where they mean the same thing. */
const PII_NAMES: Record<string, string> = {
  EMAIL: 'EMAIL',
  PHONE: 'PHONE',
  US_SOCIAL_SECURITY_NUMBER: 'SSN',
  CREDIT_DEBIT_CARD_NUMBER: 'CARD',
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: 'IBAN',
  AWS_ACCESS_KEY: 'AWS_KEY',
  AWS_SECRET_KEY: 'SECRET',
  PASSWORD: 'PASSWORD',
  US_PASSPORT_NUMBER: 'ID_NUMBER',
  DRIVER_ID: 'ID_NUMBER',
  UK_NATIONAL_INSURANCE_NUMBER: 'ID_NUMBER',
  CA_SOCIAL_INSURANCE_NUMBER: 'ID_NUMBER',
};
const SECRET_TYPES = new Set(['AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'PASSWORD']);

const actionOf = (a: string | undefined): GuardAction => (a === 'BLOCKED' ? 'block' : a === 'ANONYMIZED' ? 'redact' : 'allow');

/** Findings from one assessment; entries Bedrock reports with action NONE (FULL scope) are skipped. */
export function assessmentFindings(a: GuardrailAssessment): Finding[] {
  const out: Finding[] = [];
  const add = (kind: string, category: FindingCategory, action: string | undefined, detected?: boolean) => {
    if ((action ?? 'NONE') === 'NONE' || detected === false) return;
    out.push({ kind, category, action: actionOf(action), source: 'bedrock' });
  };
  for (const t of a.topicPolicy?.topics ?? []) add(t.name ?? 'topic', 'denied_topic', t.action, t.detected);
  for (const f of a.contentPolicy?.filters ?? []) add(String(f.type ?? 'content').toLowerCase(), f.type === 'PROMPT_ATTACK' ? 'injection' : 'content', f.action, f.detected);
  for (const w of a.wordPolicy?.customWords ?? []) add('custom_word', 'content', w.action, w.detected);
  for (const w of a.wordPolicy?.managedWordLists ?? []) add(String(w.type ?? 'managed_word').toLowerCase(), 'content', w.action, w.detected);
  for (const p of a.sensitiveInformationPolicy?.piiEntities ?? []) add(String(p.type ?? 'pii').toLowerCase(), SECRET_TYPES.has(String(p.type)) ? 'secret' : 'pii', p.action, p.detected);
  for (const r of a.sensitiveInformationPolicy?.regexes ?? []) add(r.name ?? 'regex', 'pii', r.action, r.detected);
  for (const g of a.contextualGroundingPolicy?.filters ?? []) add(String(g.type ?? 'grounding').toLowerCase(), 'content', g.action, g.detected);
  return out;
}

/** `{EMAIL}` / `{US_SOCIAL_SECURITY_NUMBER}` → `[EMAIL]` / `[SSN]`. */
export function ourPlaceholders(text: string): string {
  return text.replace(/\{([A-Z][A-Z0-9_]+)\}/g, (m, type: string) => `[${PII_NAMES[type] ?? type}]`);
}

export function mapApplyGuardrail(res: Pick<ApplyGuardrailCommandOutput, 'action' | 'outputs' | 'assessments'>, input: string): ScreenResult {
  if (res.action !== 'GUARDRAIL_INTERVENED') return { action: 'allow', text: input, findings: [] };
  const findings = (res.assessments ?? []).flatMap(assessmentFindings);
  const action = findings.length ? strongest(findings.map((f) => f.action)) : 'block';
  // A block's output is the guardrail's canned message, not the user's text: keep ours (it was
  // redacted by any guard before this one). Only an anonymisation rewrites the text.
  const out = res.outputs?.map((o) => o.text ?? '').join('') ?? '';
  return { action, text: action === 'redact' && out ? ourPlaceholders(canonicalText(out)) : input, findings, ...(action === 'block' && out ? { message: out } : {}) };
}

export function createBedrockGuardrail(opts: BedrockGuardOptions): Guardrail {
  let client: Promise<{ send: (input: unknown, signal?: AbortSignal) => Promise<ApplyGuardrailCommandOutput> }> | undefined;
  const load = () =>
    (client ??= (async () => {
      const [{ ApplyGuardrailCommand }, { createBedrockClient }] = await Promise.all([import('@aws-sdk/client-bedrock-runtime'), import('./bedrock-client.js')]);
      const c = createBedrockClient({ region: opts.region, timeoutMs: opts.timeoutMs, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(opts.credentials ? { credentials: opts.credentials } : {}) });
      return { send: (input: unknown, signal?: AbortSignal) => c.send(new ApplyGuardrailCommand(input as never), signal ? { abortSignal: signal } : {}) };
    })());

  return {
    name: 'bedrock',
    async screen(req: ScreenRequest): Promise<ScreenResult> {
      const text = canonicalText(req.text);
      if (!text.trim()) return { action: 'allow', text, findings: [] };
      const c = await load();
      const signal = AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), ...(req.signal ? [req.signal] : [])]);
      try {
        const res = await c.send(
          { guardrailIdentifier: opts.guardrailId, guardrailVersion: opts.guardrailVersion, source: req.stage === 'output' ? 'OUTPUT' : 'INPUT', content: [{ text: { text } }] },
          signal,
        );
        return mapApplyGuardrail(res, text);
      } catch (e) {
        const { mapBedrockError } = await import('./bedrock-errors.js');
        const err = mapBedrockError(e);
        // Same codes as a model call: throttling/5xx are retried by the step's retry policy.
        throw new LoreError(err.code, `guardrail ${opts.guardrailId}: ${err.message}`, { details: err.details, cause: e });
      }
    },
  };
}
