import { LoreError } from '../errors.js';
import type { ModelProvider } from '../models/provider.js';
import type { Usage } from '../models/types.js';
import { emptyUsage, messageText } from '../models/types.js';
import { ruleIntent } from './intent-rules.js';
import type { FeedbackOutput } from './run-data.js';
import type { Intent } from './types.js';

export const INTENTS: readonly Intent[] = ['question', 'task', 'feedback', 'clarification', 'chitchat'];

/** Short and closed-form so any model (and the offline stand-in) answers with one word. */
export const INTENT_SYSTEM_PROMPT = `Classify the intent of the user's message as exactly one of: question, task, feedback, clarification, chitchat.
- question: asks for information, or states a fact or correction for you to remember
- task: asks you to do something (create, send, refund, schedule, change)
- feedback: judges an earlier answer (good, wrong, helpful, thumbs up/down)
- clarification: explains or corrects what they meant in the previous message
- chitchat: greetings, thanks, small talk
Reply with the one word only.`;

/** Messages larger than this are rejected before any model sees them. */
export const MAX_MESSAGE_CHARS = 32_000;

export function validateMessage(message: unknown): string {
  if (typeof message !== 'string' || !message.trim()) throw new LoreError('VALIDATION_FAILED', 'message must be a non-empty string');
  if (message.length > MAX_MESSAGE_CHARS) throw new LoreError('PAYLOAD_TOO_LARGE', `message is ${message.length} characters; the limit is ${MAX_MESSAGE_CHARS}`);
  return message;
}

/**
 * One cheap model call. An unparseable reply falls back to `question` (the ReAct loop handles
 * anything), so a chatty model degrades routing, never the turn.
 */
export async function classifyIntent(provider: ModelProvider, message: string, signal?: AbortSignal): Promise<{ intent: Intent; usage: Usage }> {
  const res = await provider.converse(
    {
      system: [{ text: INTENT_SYSTEM_PROMPT }],
      messages: [{ role: 'user', content: [{ text: `Message: ${message.slice(0, 2000)}` }] }],
      inferenceConfig: { maxTokens: 5, temperature: 0 },
    },
    signal ? { signal } : {},
  );
  const word = messageText(res.output.message).trim().toLowerCase().match(/[a-z]+/)?.[0];
  const intent = INTENTS.find((i) => i === word) ?? 'question';
  return { intent, usage: res.usage };
}

export type IntentMode = 'rules' | 'model' | 'off';

/**
 * The route for a message. `rules` answers clear cases locally (no model round trip before the
 * first token) and asks the model only when no rule fires; `off` routes everything as a question.
 */
export async function routeIntent(provider: ModelProvider, message: string, mode: IntentMode, signal?: AbortSignal): Promise<{ intent: Intent; usage: Usage; source: 'rules' | 'model' | 'off' }> {
  if (mode === 'off') return { intent: 'question', usage: emptyUsage(), source: 'off' };
  if (mode === 'rules') {
    const intent = ruleIntent(message);
    if (intent) return { intent, usage: emptyUsage(), source: 'rules' };
  }
  return { ...(await classifyIntent(provider, message, signal)), source: 'model' };
}

/** Rough polarity for the evaluator to merge with its judge score; the text is kept verbatim. */
export function feedbackSentiment(message: string): FeedbackOutput['sentiment'] {
  const m = message.toLowerCase();
  if (/\b(thumbs down|wrong|bad|incorrect|unhelpful|not helpful|useless|didn't help|did not help)\b/.test(m)) return 'negative';
  if (/\b(thumbs up|great|good|helpful|correct|right|perfect|thanks|thank you)\b/.test(m)) return 'positive';
  return 'neutral';
}

export function feedbackAnswer(sentiment: FeedbackOutput['sentiment'], hasTarget: boolean): string {
  if (!hasTarget) return 'Thanks for the feedback. There is no earlier answer in this session to attach it to, but I have noted it.';
  if (sentiment === 'negative') return "Thanks for the feedback — I've recorded that the previous answer missed the mark.";
  return "Thanks for the feedback — I've recorded it against the previous answer.";
}
