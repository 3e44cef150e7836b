import { createHash } from 'node:crypto';
import { throwIfAborted } from '../../errors.js';
import { estimateTokens } from '../../util/tokens.js';
import type { ModelProvider } from '../provider.js';
import { responseToEvents } from '../stream.js';
import type { ContentBlock, ConverseRequest, ConverseResponse, ToolResultBlock } from '../types.js';
import { isToolResult, isToolUse, messageText } from '../types.js';
import { bestFact } from './answer.js';
import { answerFromToolResults } from './compose.js';
import { contextFacts, systemText, type ContextFact } from './context.js';
import { detectLearnings } from './learn.js';
import { contradicts } from './memory.js';
import { detectPersonalFact, isRequest } from './personal.js';
import { decidePersonal } from './personal-decision.js';
import { recallAboutUser } from './recall.js';
import { isUserVoice, toSecondPerson } from './voice.js';
import { classifyAbout, isAboutTask, isSummaryTask, summarise } from './long-term.js';
import { classifyIntent, decideMemory, isIntentTask, isJudgeTask, isMemoryDecisionTask, judge } from './tasks.js';
import { stripLabel } from './facts.js';
import { sentences } from './text.js';
import { chooseToolCall } from './tools.js';
import { isVerdictTask, verdict } from './verdict.js';

/**
 * The offline model: a deterministic, rule-based stand-in for an LLM so the whole product runs
 * without a network. It is NOT a language model. It reads only its request — system prompt,
 * messages, tool specs — and: answers questions from facts in its context, calls a tool when the
 * request clearly matches one, turns stated facts and corrections into `[LEARNING]:` lines, and
 * does the product's side tasks (judge, intent, memory decisions) by their instructions.
 */
export function createOfflineProvider(): ModelProvider {
  const converse = async (req: ConverseRequest, options?: { signal?: AbortSignal }): Promise<ConverseResponse> => {
    throwIfAborted(options?.signal);
    const started = performance.now();
    const content = respond(req);
    let text = content.map((b) => ('text' in b ? b.text : JSON.stringify(b))).join('');
    let stopReason: ConverseResponse['stopReason'] = content.some(isToolUse) ? 'tool_use' : 'end_turn';
    const maxTokens = req.inferenceConfig?.maxTokens;
    if (maxTokens && estimateTokens(text) > maxTokens && !content.some(isToolUse)) {
      text = text.slice(0, maxTokens * 4);
      content.splice(0, content.length, { text });
      stopReason = 'max_tokens';
    }
    const inputTokens = estimateTokens(JSON.stringify([req.system ?? [], req.messages, req.toolConfig ?? {}]));
    const outputTokens = Math.max(1, estimateTokens(text));
    return {
      output: { message: { role: 'assistant', content } },
      stopReason,
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
      metrics: { latencyMs: Math.round(performance.now() - started) },
    };
  };
  return {
    specificationVersion: 'v1',
    modelId: 'offline',
    converse,
    async *converseStream(req, options) {
      yield* responseToEvents(await converse(req, options));
    },
  };
}

function respond(req: ConverseRequest): ContentBlock[] {
  const system = systemText(req);
  const last = req.messages.at(-1);
  const userText = last ? messageText(last) : '';
  if (isSummaryTask(system)) return [{ text: summarise(userText, system) }];
  if (isAboutTask(system)) return [{ text: classifyAbout(userText) }];
  if (isMemoryDecisionTask(system)) return [{ text: decidePersonal(userText) ?? decideMemory(userText) }];
  if (isJudgeTask(system)) return [{ text: judge(userText) }];
  if (isVerdictTask(system)) return [{ text: verdict(system, userText) }];
  if (isIntentTask(system)) return [{ text: classifyIntent(/message:\s*([\s\S]*)$/i.exec(userText)?.[1] ?? userText) }];

  const results = last?.content.filter(isToolResult).map((b) => b.toolResult) ?? [];
  if (results.length) return [{ text: answerAfterTools(req, results) }];
  return answerUser(req, userText, system);
}

function answerUser(req: ConverseRequest, text: string, system: string): ContentBlock[] {
  // A plain statement is a correction when it gives another value for a fact in view (not one
  // already marked superseded): the context is what a model reads it against. Failing that, a
  // speaker's plainly stated lasting attribute ("My time zone is CET.") is worth remembering too.
  const facts = contextFacts(req, system);
  const known = facts.filter((f) => !f.superseded).map((f) => stripLabel(f.sentence));
  // A first-person request ("I'm looking for the invoice from March") is what they want now, not a fact.
  const detected = detectLearnings(text, (fact) => contradicts(fact, known), askedBefore(req)).filter((l) => !isRequest(l));
  const personal = detected.length ? null : detectPersonalFact(text);
  const learned = personal ? [personal] : detected;
  // Like a model following the system prompt: acknowledge, but leave "remembered / held for
  // review / refused" to the runtime, which knows the outcome.
  if (learned.length) return [{ text: `Got it — thanks for the update: ${learned.join(' ')}\n${learned.map((l) => `[LEARNING]: ${l}`).join('\n')}` }];

  const tools = req.toolConfig?.tools ?? [];
  const call = chooseToolCall(text, tools);
  if (call) return [{ toolUse: { toolUseId: toolUseId(req, call.name), name: call.name, input: call.input } }];

  if (/^(hi|hello|hey)\b/i.test(text.trim())) return [{ text: "Hello! Ask me anything, or tell me something new and I'll remember it." }];
  if (/^(thanks|thank you)\b/i.test(text.trim())) return [{ text: "You're welcome." }];

  const fact = bestFact(text, facts);
  // A question about the asker is answered from what they said by its meaning (recall.ts).
  const mine = recallAboutUser(text, facts, fact);
  if (mine) return [{ text: 'text' in mine ? mine.text : answerWith(mine, facts) }];
  if (fact) return [{ text: answerWith(fact, facts) }];

  const search = tools.find((t) => /search/i.test(t.name) && /knowledge/i.test(t.description));
  if (search && text.trim().endsWith('?')) {
    return [{ toolUse: { toolUseId: toolUseId(req, search.name), name: search.name, input: { query: text.trim() } } }];
  }
  return [{ text: "I don't have information about that yet. If you tell me, I'll remember it." }];
}

function answerAfterTools(req: ConverseRequest, results: ToolResultBlock['toolResult'][]): string {
  const names = new Map<string, string>();
  for (const m of req.messages) for (const b of m.content) if (isToolUse(b)) names.set(b.toolUse.toolUseId, b.toolUse.name);
  // For knowledge search results, answer the question from the hits rather than listing them.
  const question = [...req.messages].reverse().find((m) => m.role === 'user' && !m.content.some(isToolResult));
  const hits = results.flatMap((r) =>
    r.status === 'error' ? [] : r.content.flatMap((c) => ('json' in c && Array.isArray((c.json as { results?: unknown }).results) ? ((c.json as { results: Array<{ text: string; source: string; superseded?: boolean }> }).results) : [])),
  );
  if (question && hits.length) {
    const facts = hits.flatMap((h, rank) => sentences(h.text).map((s) => ({ sentence: s, source: h.source, rank, learned: h.source.startsWith('learnings/'), superseded: !!h.superseded })));
    const fact = bestFact(messageText(question), facts);
    if (fact) return `${stripLabel(fact.sentence)} (source: ${fact.source})`;
  }
  return answerFromToolResults(results, names);
}

/**
 * A superseded sentence is never the answer when its header quotes what replaced it ("ui-kit was
 * renamed to acme-design" shares no word with "which repo holds the design system?"): answer with
 * the newer learning, citing it when it is in the context too.
 */
function answerWith(fact: ContextFact, facts: ContextFact[]): string {
  if (fact.superseded && fact.newer) {
    const newer = fact.newer;
    const own = facts.find((f) => f.learned && !f.superseded && newer.startsWith(f.sentence.replace(/[.!?]$/, '')));
    return `${newer} (source: ${own?.source ?? 'a newer learning'}; replaces ${fact.source})`;
  }
  const sentence = stripLabel(fact.sentence);
  return `${isUserVoice(fact.source) ? toSecondPerson(sentence) : sentence} (source: ${fact.source})`;
}

/** Whether the user's previous message in this conversation was a question ("it's 5.4 now" then answers it). */
function askedBefore(req: ConverseRequest): boolean {
  const users = req.messages.filter((m) => m.role === 'user' && !m.content.some(isToolResult));
  return users.length >= 2 && messageText(users.at(-2)!).replace(/<(semantic_memory|user_memory|session_summary)>[\s\S]*?<\/\1>/gi, '').trim().endsWith('?');
}

/** Deterministic ids so identical requests give identical responses. */
function toolUseId(req: ConverseRequest, name: string): string {
  const h = createHash('sha256').update(JSON.stringify(req.messages)).update(name).digest('hex');
  return `tooluse_${h.slice(0, 20)}`;
}
