import { z } from 'zod';
import { apiSchemas, ChatResponse } from './schemas.js';

/**
 * The AG-UI events Lore streams (POST /agui, and POST /chat or POST /approvals/:id with
 * `Accept: text/event-stream`), as zod schemas: they name the event schemas in /openapi.json so a
 * generated client gets a discriminated union to switch on, and the interop tests check every
 * streamed event against them (strict: a field the document does not name fails). They are the
 * subset of @ag-ui/core's events Lore sends, field for field.
 */
const reg = <T extends z.ZodType>(id: string, s: T): T => {
  apiSchemas.add(s, { id });
  return s;
};
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), ...shape }).strict();

export const AguiRunStarted = reg('AguiRunStarted', ev('RUN_STARTED', { threadId: z.string(), runId: z.string() }));

const Interrupt = z
  .object({ id: z.string().describe('the approval id; answer it with a resume entry'), reason: z.string(), toolCallId: z.string().optional(), expiresAt: z.string().optional() })
  .strict();
export const AguiRunOutcome = reg(
  'AguiRunOutcome',
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('success'), pendingToolCallIds: z.array(z.string()).optional().describe('frontend tool calls left for the client to answer') }).strict(),
    z.object({ type: z.literal('interrupt'), interrupts: z.array(Interrupt).min(1) }).strict(),
  ]),
);
export const AguiRunFinished = reg('AguiRunFinished', ev('RUN_FINISHED', { threadId: z.string(), runId: z.string(), result: ChatResponse, outcome: AguiRunOutcome }));
export const AguiRunError = reg('AguiRunError', ev('RUN_ERROR', { message: z.string(), code: z.string().optional() }));
export const AguiStepStarted = reg('AguiStepStarted', ev('STEP_STARTED', { stepName: z.string() }));
export const AguiStepFinished = reg('AguiStepFinished', ev('STEP_FINISHED', { stepName: z.string() }));
export const AguiTextMessageStart = reg('AguiTextMessageStart', ev('TEXT_MESSAGE_START', { messageId: z.string(), role: z.literal('assistant') }));
export const AguiTextMessageContent = reg('AguiTextMessageContent', ev('TEXT_MESSAGE_CONTENT', { messageId: z.string(), delta: z.string().min(1) }));
export const AguiTextMessageEnd = reg('AguiTextMessageEnd', ev('TEXT_MESSAGE_END', { messageId: z.string() }));
export const AguiToolCallStart = reg('AguiToolCallStart', ev('TOOL_CALL_START', { toolCallId: z.string(), toolCallName: z.string(), parentMessageId: z.string().optional() }));
export const AguiToolCallArgs = reg('AguiToolCallArgs', ev('TOOL_CALL_ARGS', { toolCallId: z.string(), delta: z.string().describe('the arguments as JSON') }));
export const AguiToolCallEnd = reg('AguiToolCallEnd', ev('TOOL_CALL_END', { toolCallId: z.string() }));
export const AguiToolCallResult = reg('AguiToolCallResult', ev('TOOL_CALL_RESULT', { messageId: z.string(), toolCallId: z.string(), role: z.literal('tool'), content: z.string() }));
export const AguiLearningEvent = reg(
  'AguiLearningEvent',
  ev('CUSTOM', {
    name: z.literal('lore.learning'),
    value: z.object({ fact: z.string(), event: z.enum(['ADD', 'UPDATE', 'NOOP', 'REJECTED']), doc_id: z.string().optional(), reason: z.string().optional() }).strict(),
  }),
);

export const AguiEvent = reg(
  'AguiEvent',
  z
    .discriminatedUnion('type', [
      AguiRunStarted,
      AguiRunFinished,
      AguiRunError,
      AguiStepStarted,
      AguiStepFinished,
      AguiTextMessageStart,
      AguiTextMessageContent,
      AguiTextMessageEnd,
      AguiToolCallStart,
      AguiToolCallArgs,
      AguiToolCallEnd,
      AguiToolCallResult,
      AguiLearningEvent,
    ])
    .describe('One AG-UI event; the stream sends one per SSE `data:` line, RUN_STARTED first and RUN_FINISHED or RUN_ERROR last'),
);
export type AguiEventT = z.infer<typeof AguiEvent>;
