import { LoreError } from '../errors.js';
import { defaultGuardrail } from './from-config.js';
import type { Guardrail } from './port.js';

/**
 * The knowledge stage: a document is screened before it is stored. PII is redacted; a document
 * the guardrail blocks is refused (GUARDRAIL_BLOCKED). Instructions inside a document are only
 * held (noted): quoting them is legitimate, and retrieved text is neutralised when it is rendered.
 */
export async function screenKnowledge(guard: Guardrail | undefined, p: { tenantId: string; userId?: string; text: string; sourceUri: string }): Promise<string> {
  const r = await (guard ?? defaultGuardrail).screen({ text: p.text, stage: 'knowledge', tenantId: p.tenantId, ...(p.userId ? { userId: p.userId } : {}) });
  if (r.action === 'block') {
    throw new LoreError('GUARDRAIL_BLOCKED', `${p.sourceUri}: refused by the guardrail (${[...new Set(r.findings.map((f) => f.kind))].join(', ')})`, { details: { source_uri: p.sourceUri } });
  }
  return r.text;
}
