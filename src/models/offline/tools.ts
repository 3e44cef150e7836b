import type { ToolSpec } from '../types.js';
import { keywords, stem, words } from './text.js';

export interface ChosenCall {
  name: string;
  input: Record<string, unknown>;
}

interface JsonProp {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
}

const MATH_DESC = /arithmetic|math|calculat|expression/i;
const TIME_DESC = /\b(current|now)\b.*\b(time|date)\b|\b(time|date)\b.*\b(now|current)\b/i;
const FREE_TEXT_PROP = /^(query|q|text|question|expression|expr|input|message|search|prompt)$/i;

/** An arithmetic expression in the message, if there is one ("17*23", "(2+3)^2", "sqrt(16)+1"). */
export function findExpression(text: string): string | null {
  const candidates = text.match(/(?:sqrt|abs|round|pow|min|max|ln|log|exp)?\(?[\d.]+[\d\s+\-*/^×÷%().,a-z]*[\d)]/gi) ?? [];
  const withOp = candidates.map((c) => c.trim()).filter((c) => /[\d)]\s*(\*\*|[-+*/^×÷%])\s*[\d(a-z]/i.test(c) || /^[a-z]+\(/i.test(c));
  if (!withOp.length) return null;
  return withOp.sort((a, b) => b.length - a.length)[0]!.replace(/[.,]+$/, '');
}

/**
 * Pick a tool only when the request clearly matches its description or name, and fill the
 * arguments from the message itself. Returns null when unsure: the model answers instead.
 */
export function chooseToolCall(message: string, tools: ToolSpec[]): ChosenCall | null {
  const expr = findExpression(message);
  if (expr) {
    const tool = tools.find((t) => MATH_DESC.test(t.description));
    const prop = tool && firstStringProp(tool);
    if (tool && prop) return { name: tool.name, input: { [prop]: expr } };
  }
  // The clock, not the time of something ("what time is the stand-up?" is a knowledge question).
  if (/\b(?:what(?:'s| is) the (?:current )?(?:time|date|day)\b(?! (?:of|for|is) )|what time is it|what day is (?:it|today)|current (?:time|date)|time (?:is it )?(?:now|right now)|today's date|(?:time|date) (?:in|at) [A-Z])/i.test(message)) {
    const tool = tools.find((t) => TIME_DESC.test(t.description));
    if (tool) {
      const tz = /\b([A-Z][a-z]+\/[A-Z][A-Za-z_]+)\b/.exec(message)?.[1];
      const props = properties(tool);
      const tzProp = Object.keys(props).find((p) => /zone|tz/i.test(p));
      return { name: tool.name, input: tz && tzProp ? { [tzProp]: tz } : {} };
    }
  }
  const msgKeys = keywords(message);
  const verb = leadingVerb(message);
  for (const tool of tools) {
    const nameWords = tool.name.toLowerCase().split(/[_-]+/).filter((t) => t.length > 2);
    const nameTokens = nameWords.map(stem);
    // Every word of its name in the message ("issue a refund" → issue_refund), or a request whose
    // verb is a word of its name ("Refund order A-1 for $50" → issue_refund); either way only
    // when every required argument is in the message.
    const named = nameTokens.length >= 2 && nameTokens.every((t) => msgKeys.has(t));
    // The bare verb itself: "Refunds over $1,000 need …" is a statement about refunds.
    const asked = verb !== null && nameWords.includes(verb);
    if (!named && !asked) continue;
    const input = fillArguments(tool, message);
    if (input) return { name: tool.name, input };
  }
  return null;
}

/**
 * The verb of a request: the first word, after "please" / "can you" and the like, when the message
 * is not a question about how or whether ("How do I refund…?" asks, "Refund…" and "Can you refund…" request).
 */
function leadingVerb(message: string): string | null {
  const m = /^\s*(?:(?:please|kindly|pls)\s+|(?:can|could|would|will)\s+you\s+(?:please\s+)?)?([a-z]+)\b/i.exec(message);
  if (!m) return null;
  const word = m[1]!.toLowerCase();
  if (/^(?:who|what|when|where|which|why|how|is|are|was|were|do|does|did|can|could|should|would|will|i|we|you|the|a|an|my|our|this|that|it)$/.test(word)) return null;
  return word;
}

function properties(tool: ToolSpec): Record<string, JsonProp> {
  return ((tool.inputSchema.json as { properties?: Record<string, JsonProp> }).properties ?? {});
}

function firstStringProp(tool: ToolSpec): string | undefined {
  const props = properties(tool);
  const names = Object.keys(props).filter((p) => typeOf(props[p]!) === 'string');
  return names.find((p) => FREE_TEXT_PROP.test(p)) ?? names[0];
}

function typeOf(p: JsonProp): string {
  return Array.isArray(p.type) ? (p.type.find((t) => t !== 'null') ?? 'string') : (p.type ?? 'string');
}

/** Fill a tool's arguments from the message; null if a required one can't be found. */
export function fillArguments(tool: ToolSpec, message: string): Record<string, unknown> | null {
  const schema = tool.inputSchema.json as { properties?: Record<string, JsonProp>; required?: string[] };
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const input: Record<string, unknown> = {};
  const usedNumbers = new Set<string>();
  const numberMentions = [...message.matchAll(/\$?\s?(\d[\d,]*(?:\.\d+)?)/g)].map((m) => ({ raw: m[0], value: m[1]!.replace(/,/g, ''), index: m.index! }));

  for (const [name, prop] of Object.entries(props)) {
    const type = typeOf(prop);
    const label = name.split(/[_-]|(?=[A-Z])/)[0]!.toLowerCase();
    if (type === 'number' || type === 'integer') {
      const near = new RegExp(`\\b${label}\\w*\\b[^\\d$]{0,20}\\$?\\s?(\\d[\\d,]*(?:\\.\\d+)?)`, 'i').exec(message)?.[1]?.replace(/,/g, '');
      const money = /amount|price|total|cost|sum/i.test(name) ? numberMentions.find((n) => n.raw.includes('$'))?.value : undefined;
      const idLike = new Set(numberMentions.filter((n) => /[A-Za-z]-?$/.test(message.slice(0, n.index))).map((n) => n.value));
      const free = numberMentions.find((n) => !usedNumbers.has(n.value) && !idLike.has(n.value))?.value;
      const v = near ?? money ?? free;
      if (v !== undefined) {
        usedNumbers.add(v);
        input[name] = Number(v);
      }
    } else if (type === 'string') {
      if (prop.enum) {
        const hit = prop.enum.find((e) => typeof e === 'string' && new RegExp(`\\b${escape(e)}\\b`, 'i').test(message));
        if (hit !== undefined) input[name] = hit;
      } else if (FREE_TEXT_PROP.test(name)) {
        input[name] = /\b(?:for|about|on)\s+(.+?)[?.!]*$/i.exec(message)?.[1] ?? message.trim();
      } else {
        const m = new RegExp(`\\b${label}\\w*\\s*(?:id|#|number|no\\.?|named|called)?\\s*[:#=]?\\s*"?([A-Za-z0-9][\\w.@-]*)`, 'i').exec(message);
        const value = m?.[1]?.replace(/[.,;:!?]+$/, '');
        // An identifier ("order_id", "ticket_number") holds a digit: "for an order need…" has none.
        const idProp = /(?:^|[_-])(?:id|number|no|code|ref)$|[a-z](?:Id|Number|Code|Ref)$/.test(name);
        if (value && !words(label).includes(value.toLowerCase()) && (!idProp || /\d/.test(value))) input[name] = value;
      }
    } else if (type === 'boolean' && required.has(name)) {
      input[name] = new RegExp(`\\b${label}`, 'i').test(message);
    }
    if (typeof input[name] === 'string' && /^\d[\d,]*$/.test(input[name] as string)) usedNumbers.add((input[name] as string).replace(/,/g, ''));
  }
  for (const r of required) if (!(r in input)) return null;
  return input;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
