import type { SensitiveCategory, SensitivityConfig } from './sensitivity.js';

/**
 * Who may make a learning the tenant's truth, and when. Pure: the updater gathers the facts
 * (tenant mode, who is teaching, what the learning touches, guardrail findings, rate) and this
 * decides; every branch returns the reason that goes into the learning's history and the answer.
 */

export type LearningMode = 'auto' | 'review' | 'off';

export interface LearningPolicy {
  mode: LearningMode;
  /** A tenant's own mode, overriding `mode` (config file: learning.tenantModes). */
  tenantModes?: Record<string, LearningMode>;
  /** Auth off: the single local user is the curator, so their learnings are shared at once. */
  localCurator: boolean;
  sensitivity: SensitivityConfig;
  /** Distinct users stating the same fact that promote a non-sensitive learning to shared. */
  corroborationUsers: number;
  maxPerUserPerHour: number;
  /** Distinct users' thumbs-down on answers that used a shared learning before it goes back to review. */
  thumbsDownToReview: number;
}

/** A finding from the Guardrail port: 'block' refuses the learning, 'hold' sends it to review. */
export interface GuardrailFinding {
  action: 'block' | 'hold' | 'allow';
  reason: string;
}

export type LearningState = 'shared' | 'personal' | 'pending' | 'rejected';

export type PolicyDecision =
  | { state: 'shared'; reason: string; selfApproved?: boolean }
  | { state: 'pending'; reason: string; categories: SensitiveCategory[] }
  | { state: 'rejected'; reason: string };

export interface PolicyInput {
  policy: LearningPolicy;
  categories: SensitiveCategory[];
  findings?: GuardrailFinding[];
  /** The turn's input was flagged: nothing from it becomes a learning. */
  quarantined?: string;
  rateLimited?: boolean;
}

/** The policy as it applies to one tenant. */
export function policyForTenant(policy: LearningPolicy, tenantId: string): LearningPolicy {
  const mode = policy.tenantModes?.[tenantId];
  return mode && mode !== policy.mode ? { ...policy, mode } : policy;
}

export function decideLearning(i: PolicyInput): PolicyDecision {
  const { policy } = i;
  if (policy.mode === 'off') return { state: 'rejected', reason: 'learning is switched off for this workspace' };
  if (i.quarantined) return { state: 'rejected', reason: `the message was flagged (${i.quarantined})` };
  const block = i.findings?.find((f) => f.action === 'block');
  if (block) return { state: 'rejected', reason: block.reason };
  if (i.rateLimited) return { state: 'rejected', reason: `too many new learnings from you this hour (limit ${policy.maxPerUserPerHour})` };
  // Local mode: the one user is the curator; reviewing their own claim would be theatre — unless
  // they asked for review explicitly (mode review), then their learnings queue like anyone's.
  if (policy.localCurator && policy.mode === 'auto') return { state: 'shared', reason: 'local mode: the only user is the curator', selfApproved: true };
  const hold = i.findings?.filter((f) => f.action === 'hold') ?? [];
  if (hold.length > 0) return { state: 'pending', reason: `held for review: ${hold.map((f) => f.reason).join('; ')}`, categories: i.categories };
  if (i.categories.length > 0) return { state: 'pending', reason: `sensitive subject (${i.categories.join(', ')}): a curator must review it`, categories: i.categories };
  if (policy.mode === 'review') return { state: 'pending', reason: 'this workspace reviews every learning before it is shared', categories: [] };
  return { state: 'shared', reason: 'auto mode: not a sensitive subject' };
}

/** What the answer says about a turn's learnings: the truth about where each one went. */
export function learningNotice(outcomes: Array<{ state?: LearningState; event: string; reason?: string }>): string | undefined {
  const written = outcomes.filter((o) => o.event !== 'NOOP' || o.state === 'pending');
  if (written.length === 0) return outcomes.length > 0 ? 'I already knew that.' : undefined;
  const states = new Set(written.map((o) => o.state));
  const parts: string[] = [];
  if (states.has('shared')) parts.push("I'll remember that.");
  if (states.has('personal')) parts.push("I'll remember that for you.");
  if (states.has('pending')) parts.push("Noted — I'll use it in your conversations; a curator will review it before it is shared with others.");
  if (states.has('rejected')) {
    const reasons = [...new Set(written.filter((o) => o.state === 'rejected').map((o) => o.reason).filter(Boolean))];
    parts.push(`I can't store that${reasons.length ? ` (${reasons.join('; ')})` : ''}.`);
  }
  return parts.join(' ');
}
