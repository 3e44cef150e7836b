import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { LoreMetrics } from '../telemetry/metrics.js';
import type { Guardrail, ScreenResult } from './port.js';

/**
 * Every screening that found something becomes a metric (`lore_guardrail_findings_total{stage,
 * action}`), an event on the active span, and a log line — with kinds and categories only, never
 * the text (the text is what was being protected).
 */
/** The span event of a verdict, on the active span; also for verdicts reached before the span existed. */
export function recordGuardSpan(stage: string, r: Pick<ScreenResult, 'action' | 'findings'>, adapter: string): { kinds: string[]; categories: string[] } {
  const kinds = [...new Set(r.findings.map((f) => f.kind))];
  const categories = [...new Set(r.findings.map((f) => f.category))];
  const span = trace.getActiveSpan();
  span?.addEvent('lore.guardrail', { 'lore.guardrail.stage': stage, 'lore.guardrail.action': r.action, 'lore.guardrail.kinds': kinds, 'lore.guardrail.categories': categories, 'lore.guardrail.adapter': adapter });
  span?.setAttribute(`lore.guardrail.${stage}.action`, r.action);
  return { kinds, categories };
}

export function instrumentGuardrail(guard: Guardrail, o: { metrics?: LoreMetrics; logger?: Logger }): Guardrail {
  return {
    name: guard.name,
    async screen(req): Promise<ScreenResult> {
      const r = await guard.screen(req);
      if (!r.findings.length) return r;
      const byAction = new Map<string, number>();
      for (const f of r.findings) byAction.set(f.action, (byAction.get(f.action) ?? 0) + 1);
      for (const [action, n] of byAction) o.metrics?.guardrailFinding(req.stage, action, n);
      const { kinds, categories } = recordGuardSpan(req.stage, r, guard.name);
      if (r.action !== 'allow') {
        const line = { event: 'guardrail_flagged', stage: req.stage, action: r.action, kinds, categories, tenantId: req.tenantId, ...(req.runId ? { runId: req.runId } : {}) };
        if (r.action === 'redact') o.logger?.info(line, 'guardrail: text redacted');
        else o.logger?.warn(line, `guardrail: ${r.action}`);
      }
      return r;
    },
  };
}
