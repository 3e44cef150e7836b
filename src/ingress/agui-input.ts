import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LoreError } from '../errors.js';
import { neutraliseUntrusted } from '../memory/fence.js';
import type { ContentBlock, Message } from '../models/types.js';
import type { ClientTurn } from '../workflow/client-turn.js';
import { apiSchemas, Id } from './schemas.js';

/**
 * AG-UI's RunAgentInput (protocol 1.0), validated with zod at the boundary. Objects are loose:
 * the protocol is open by key (metadata, newer fields), and an AG-UI client must not get a 400 for
 * a field this server does not use. Only what Lore reads is constrained.
 */
const Content = z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).loose())]);
const AguiToolCall = z
  .object({ id: z.string().min(1).max(256), type: z.literal('function').optional(), function: z.object({ name: z.string().min(1).max(64), arguments: z.string().max(200_000) }).loose() })
  .loose();
const AguiMessage = z
  .object({
    id: z.string().max(256).optional(),
    role: z.string(),
    content: Content.nullish(),
    toolCalls: z.array(AguiToolCall).max(64).nullish(),
    toolCallId: z.string().max(256).optional(),
    error: z.string().nullish(),
  })
  .loose();
const AguiTool = z
  .object({
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'a tool name is a letter then letters, digits, _ or - (64 at most)'),
    description: z.string().max(4000).default(''),
    parameters: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
const AguiContext = z.object({ description: z.string().max(1000), value: z.string().max(32_000) }).loose();
const AguiResume = z.object({ interruptId: z.string().min(1).max(256), status: z.enum(['resolved', 'cancelled']), payload: z.unknown().optional() }).loose();

export const AguiRunInput = z
  .object({
    threadId: Id,
    runId: z.string().min(1).max(256),
    parentRunId: z.string().max(256).nullish(),
    protocolVersion: z.string().max(32).nullish(),
    state: z.unknown().optional(),
    messages: z.array(AguiMessage).max(1000),
    tools: z.array(AguiTool).max(64).nullish(),
    context: z.array(AguiContext).max(64).nullish(),
    forwardedProps: z.unknown().optional(),
    resume: z.array(AguiResume).max(64).nullish(),
  })
  .loose()
  .register(apiSchemas, { id: 'AguiRunAgentInput' });
export type AguiRunInput = z.output<typeof AguiRunInput>;
type AguiMessage = z.output<typeof AguiMessage>;

const textOf = (c: AguiMessage['content']): string =>
  typeof c === 'string' ? c : (c ?? []).flatMap((p) => (p.type === 'text' && typeof p.text === 'string' ? [p.text] : [])).join('');

/** The client's run id when it fits Lore's id alphabet (uuids do), else a stable id derived from it. */
export function loreRunId(clientRunId: string): string {
  return Id.safeParse(clientRunId).success ? clientRunId : `agui_${createHash('sha256').update(clientRunId).digest('hex').slice(0, 32)}`;
}

function parseArgs(s: string): unknown {
  try {
    const v: unknown = JSON.parse(s || '{}');
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

/** Consecutive same-role messages merge (Converse wants user/assistant alternating), empty ones go. */
function push(out: Message[], role: Message['role'], content: ContentBlock[]): void {
  if (!content.length) return;
  const last = out.at(-1);
  if (last?.role === role) last.content.push(...content);
  else out.push({ role, content });
}

/**
 * The client's messages from its last user message on, as Converse messages. Tool calls are kept
 * only with their results (a call without one would be re-run, or rejected by the model API), and
 * the exchange always ends with a user-role message for the model to answer.
 */
function exchangeOf(msgs: AguiMessage[]): Message[] {
  const answered = new Set(msgs.filter((m) => m.role === 'tool' && m.toolCallId).map((m) => m.toolCallId!));
  const called = new Set<string>();
  const out: Message[] = [];
  for (const m of msgs) {
    if (m.role === 'user') push(out, 'user', textOf(m.content).trim() ? [{ text: textOf(m.content) }] : []);
    else if (m.role === 'assistant') {
      const text = textOf(m.content);
      const calls = (m.toolCalls ?? []).filter((c) => answered.has(c.id));
      calls.forEach((c) => called.add(c.id));
      push(out, 'assistant', [...(text.trim() ? [{ text }] : []), ...calls.map((c) => ({ toolUse: { toolUseId: c.id, name: c.function.name, input: parseArgs(c.function.arguments) } }))]);
    } else if (m.role === 'tool' && m.toolCallId && called.has(m.toolCallId)) {
      const status = m.error ? ('error' as const) : ('success' as const);
      // The client's tool output is untrusted input, like a document: no forged [LEARNING] lines.
      push(out, 'user', [{ toolResult: { toolUseId: m.toolCallId, content: [{ text: neutraliseUntrusted(m.error || textOf(m.content) || '(no output)') }], status } }]);
    }
  }
  while (out.at(-1)?.role === 'assistant') out.pop();
  return out;
}

/** Earlier user/assistant text, for a thread Lore's memory has never seen. */
function priorOf(msgs: AguiMessage[]): Message[] {
  const out: Message[] = [];
  for (const m of msgs) {
    const text = textOf(m.content);
    if ((m.role === 'user' || m.role === 'assistant') && text.trim()) push(out, m.role, [{ text }]);
  }
  return out;
}

/** A new turn from a RunAgentInput: the user's message (what memory records) and the client's part. */
export function turnFromInput(input: AguiRunInput): { message: string; client: ClientTurn } {
  const last = input.messages.findLastIndex((m) => m.role === 'user');
  const message = last >= 0 ? textOf(input.messages[last]!.content) : '';
  if (!message.trim()) throw new LoreError('VALIDATION_FAILED', 'messages must include a user message with text (or resume must answer the interrupts)');
  return {
    message,
    client: {
      tools: (input.tools ?? []).map((t) => ({ name: t.name, description: t.description, parameters: t.parameters ?? { type: 'object', properties: {} } })),
      ...(input.state !== undefined && input.state !== null ? { state: input.state } : {}),
      context: (input.context ?? []).map((c) => ({ description: c.description, value: c.value })),
      exchange: exchangeOf(input.messages.slice(last)),
      prior: priorOf(input.messages.slice(0, last)),
    },
  };
}

/** An answer to an approval interrupt: `cancelled`, or a payload saying no, rejects; anything else approves. */
export function decisionOf(r: { status: 'resolved' | 'cancelled'; payload?: unknown }): { decision: 'approve' | 'reject'; reason?: string } {
  if (r.status === 'cancelled') return { decision: 'reject', reason: 'cancelled in the client' };
  const p = (r.payload ?? {}) as { approved?: unknown; decision?: unknown; reason?: unknown };
  const reason = typeof p.reason === 'string' ? p.reason.slice(0, 2000) : undefined;
  const no = p === null || typeof p !== 'object' ? r.payload === false : p.approved === false || p.decision === 'reject';
  return { decision: no ? 'reject' : 'approve', ...(reason ? { reason } : {}) };
}
