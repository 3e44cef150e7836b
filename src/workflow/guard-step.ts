import { guardOf, type TurnDeps, type TurnInput } from '../agent/turn.js';
import { toGuardRecord, type GuardRecord, type ScreenResult } from '../guardrails/port.js';

/**
 * The input stage of the turn workflow: the verdict on the user's message (reached when the run
 * was created, or again here after a restart), and the safe answer a blocked message gets.
 */

export const guardRecord = toGuardRecord;

export async function inputVerdict(turn: TurnDeps, input: TurnInput, cached?: ScreenResult, signal?: AbortSignal): Promise<ScreenResult> {
  return cached ?? guardOf(turn).screen({ text: input.message, stage: 'input', tenantId: input.tenantId, userId: input.userId, runId: input.runId, ...(signal ? { signal } : {}) });
}

/** What a blocked message is answered with: the guardrail's own message, else one per category. */
export function refusalAnswer(g: GuardRecord): string {
  if (g.message) return g.message;
  const cats = new Set(g.findings.filter((f) => f.action === 'block').map((f) => f.category));
  if (cats.has('injection')) return "I can't act on that message: it reads as an attempt to change my instructions or plant content. Ask your question directly and I'll gladly help.";
  if (cats.has('pii')) return 'Please do not send personal data (e-mail addresses, phone, card or ID numbers) here. Your message was not processed; send it again without them.';
  return 'Sorry — I cannot help with that message: it was stopped by a content policy.';
}

/** What the session history keeps of a blocked message: not the text, which could act again next turn. */
export function withheldUserTurn(g: GuardRecord): string {
  return `[message withheld by the guardrail: ${[...new Set(g.findings.filter((f) => f.action === 'block').map((f) => f.kind))].join(', ') || 'policy'}]`;
}
