import type { ToolResultBlock } from '../types.js';

/** Turn tool results into a short answer, the way a model would read them back to the user. */
export function answerFromToolResults(results: ToolResultBlock['toolResult'][], toolNames: Map<string, string>): string {
  const parts = results.map((r) => {
    const name = toolNames.get(r.toolUseId) ?? 'the tool';
    const body = r.content.map((c) => ('json' in c ? c.json : c.text));
    const value = body.length === 1 ? body[0] : body;
    if (r.status === 'error') return describeError(name, value);
    return describeSuccess(name, value);
  });
  return parts.join('\n');
}

function describeError(tool: string, value: unknown): string {
  const err = (value as { error?: { code?: string; message?: string } })?.error;
  if (err?.code === 'TOOL_REJECTED') return `I did not carry out ${tool}: ${err.message ?? 'the request was rejected'}.`;
  return `I could not complete that with ${tool}: ${err?.message ?? String(value)}`;
}

function describeSuccess(tool: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('result' in v && 'expression' in v) return `${String(v.expression)} = ${fmt(v.result)}`;
    if ('result' in v) return `The result is ${fmt(v.result)}.`;
    if ('local' in v) return `It is ${String(v.local)}.`;
    if (Array.isArray(v.results)) {
      const all = v.results as Array<{ text?: string; source?: string; superseded?: boolean }>;
      // A hit marked superseded is not read back as current while a current one is there.
      const items = all.some((i) => !i.superseded) ? all.filter((i) => !i.superseded) : all;
      if (!items.length) return "I don't have information about that yet. If you tell me, I'll remember it.";
      return items.slice(0, 3).map((i) => `${i.text ?? JSON.stringify(i)}${i.source ? ` (source: ${i.source})` : ''}`).join('\n');
    }
    const pairs = Object.entries(v).slice(0, 6).map(([k, x]) => `${k}: ${fmt(x)}`);
    return `Done — ${tool} returned ${pairs.join(', ')}.`;
  }
  return `${tool} returned ${fmt(value)}.`;
}

function fmt(x: unknown): string {
  return typeof x === 'string' ? x : JSON.stringify(x);
}
