import { strongest, type Guardrail, type ScreenRequest, type ScreenResult } from './port.js';

/**
 * Several guardrails as one: each sees the text the previous one produced (so a later adapter
 * never receives PII an earlier one redacted), findings are concatenated, and the strongest action
 * wins. A block stops the chain: nothing later could make it weaker.
 */
export function composeGuardrails(guards: Guardrail[]): Guardrail {
  if (guards.length === 1) return guards[0]!;
  return {
    name: guards.map((g) => g.name).join('+'),
    async screen(req: ScreenRequest): Promise<ScreenResult> {
      let text = req.text;
      const findings: ScreenResult['findings'] = [];
      const actions: ScreenResult['action'][] = [];
      let message: string | undefined;
      for (const g of guards) {
        const r = await g.screen({ ...req, text });
        text = r.text;
        actions.push(r.action);
        message ??= r.message;
        findings.push(...r.findings);
        if (r.action === 'block') break;
      }
      return { action: strongest(actions), text, findings, ...(message ? { message } : {}) };
    },
  };
}
