/**
 * The `Guardrail` port: one call that screens a piece of text at a stage of a turn and says what
 * to do with it. Adapters: the built-in detectors (builtin.ts), Amazon Bedrock ApplyGuardrail
 * (bedrock.ts) and a model-based check (model-guard.ts); compose.ts runs several.
 *
 * Findings never carry the matched text: they are written to spans, step JSON and operator
 * events, and a finding that quoted an e-mail address would leak what the redaction removed.
 */

/** Where in a turn the text comes from. */
export type GuardStage = 'input' | 'output' | 'tool_result' | 'knowledge' | 'learning';

/**
 * - allow: nothing to do.
 * - redact: go on with `text`, which has placeholders (`[EMAIL]`, `[CARD]`, …) in place of PII.
 * - hold: usable for this user, not to be shared (the learning stage sends such a learning to review).
 * - block: refuse: do not act on, store or share the text.
 */
export type GuardAction = 'allow' | 'redact' | 'hold' | 'block';

export const ACTION_RANK: Record<GuardAction, number> = { allow: 0, redact: 1, hold: 2, block: 3 };

/** `disguise`: text shaped to hide from readers or filters (disguise.ts): fine to answer, reviewed before it is shared. */
export type FindingCategory = 'pii' | 'secret' | 'injection' | 'denied_topic' | 'sensitive_change' | 'disguise' | 'content';

export interface Finding {
  /** What was found: `email`, `card`, `instruction_override`, a denied topic's name, … */
  kind: string;
  category: FindingCategory;
  /** What this finding alone asks for. */
  action: GuardAction;
  /** Which adapter reported it (`builtin`, `bedrock`, `model`). */
  source: string;
  /** The text form it was found in when not the plain text: `base64`, `url`, `rot13`, `leet`, `homoglyph`. */
  via?: string;
  /** Offsets in the normalised text (PII only). */
  start?: number;
  end?: number;
}

export interface ScreenRequest {
  text: string;
  stage: GuardStage;
  tenantId: string;
  userId?: string;
  runId?: string;
  /**
   * Learning stage: the text is for the user's own personal memory and the user opted out of PII
   * redaction there. Honoured only when the tenant allows it (guardrails.pii.personalOptOut).
   */
  personalOptOut?: boolean;
  signal?: AbortSignal;
}

export interface ScreenResult {
  action: GuardAction;
  /** The normalised text, with PII replaced by placeholders when action is `redact`. Store this, never the input. */
  text: string;
  findings: Finding[];
  /** For a block: what to tell the user (a denied topic's refusal, a Bedrock guardrail's blocked message). */
  message?: string;
}

export interface Guardrail {
  readonly name: string;
  screen(req: ScreenRequest): Promise<ScreenResult>;
}

/** A verdict as recorded on a run (step JSON, GET /runs/:id): kinds and categories, never text. */
export interface GuardRecord {
  action: GuardAction;
  findings: Array<Pick<Finding, 'kind' | 'category' | 'action' | 'source' | 'via'>>;
  /** The refusal shown for a block. */
  message?: string;
}

export function toGuardRecord(r: ScreenResult): GuardRecord {
  return {
    action: r.action,
    findings: r.findings.map((f) => ({ kind: f.kind, category: f.category, action: f.action, source: f.source, ...(f.via ? { via: f.via } : {}) })),
    ...(r.message ? { message: r.message } : {}),
  };
}

export function strongest(actions: GuardAction[]): GuardAction {
  return actions.reduce<GuardAction>((a, b) => (ACTION_RANK[b] > ACTION_RANK[a] ? b : a), 'allow');
}
