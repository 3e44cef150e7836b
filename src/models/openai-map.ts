import { LoreError } from '../errors.js';
import { newId } from '../util/ids.js';
import type { ContentBlock, ConverseRequest, ConverseResponse, StopReason, ToolResultContent, Usage } from './types.js';

/**
 * Converse ⇄ OpenAI chat-completions translation. Pure functions, so the wire rules are testable
 * without a server and the provider file only deals with HTTP.
 */

export interface OpenAIToolCall {
  id?: string;
  index?: number;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export type OpenAIMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

export interface OpenAIChatResponse {
  choices?: Array<{ message?: { content?: string | null; tool_calls?: OpenAIToolCall[] | null }; finish_reason?: string | null }>;
  usage?: OpenAIUsage | null;
}

export function toOpenAIBody(model: string, req: ConverseRequest, stream: boolean): Record<string, unknown> {
  const messages: OpenAIMessage[] = [];
  // Cache points have no OpenAI equivalent (servers cache prefixes on their own); drop them.
  const system = (req.system ?? []).flatMap((b) => ('text' in b ? [b.text] : [])).join('\n\n');
  if (system) messages.push({ role: 'system', content: system });

  for (const m of req.messages) {
    if (m.role === 'assistant') {
      const text = m.content.flatMap((b) => ('text' in b ? [b.text] : [])).join('');
      const calls = m.content.flatMap((b): OpenAIToolCall[] =>
        'toolUse' in b
          ? [{ id: b.toolUse.toolUseId, type: 'function', function: { name: b.toolUse.name, arguments: JSON.stringify(b.toolUse.input ?? {}) } }]
          : [],
      );
      // null content is only valid next to tool_calls; a bare empty turn must stay a string.
      messages.push({ role: 'assistant', content: text || (calls.length ? null : ''), ...(calls.length ? { tool_calls: calls } : {}) });
      continue;
    }
    // OpenAI wants tool results as `tool` messages directly after the assistant's tool_calls, so
    // they go first; any user text in the same Converse message follows as a user message.
    for (const b of m.content) {
      if ('toolResult' in b) {
        const { toolUseId, content, status } = b.toolResult;
        messages.push({ role: 'tool', tool_call_id: toolUseId, content: toolResultText(content, status) });
      }
    }
    const text = m.content.flatMap((b) => ('text' in b ? [b.text] : [])).join('');
    if (text) messages.push({ role: 'user', content: text });
  }

  const body: Record<string, unknown> = { model, messages, stream };
  if (stream) body.stream_options = { include_usage: true };
  if (req.toolConfig?.tools.length) {
    body.tools = req.toolConfig.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.inputSchema.json },
    }));
    const choice = req.toolConfig.toolChoice;
    if (choice) {
      body.tool_choice = 'auto' in choice ? 'auto' : 'any' in choice ? 'required' : { type: 'function', function: { name: choice.tool.name } };
    }
  }
  const ic = req.inferenceConfig;
  if (ic?.maxTokens !== undefined) body.max_tokens = ic.maxTokens;
  if (ic?.temperature !== undefined) body.temperature = ic.temperature;
  if (ic?.topP !== undefined) body.top_p = ic.topP;
  if (ic?.stopSequences?.length) body.stop = ic.stopSequences;
  return body;
}

/** A `tool` message carries one string: text as-is, JSON stringified; an error is marked so the model sees it failed. */
function toolResultText(content: ToolResultContent[], status?: string): string {
  const text = content.map((c) => ('text' in c ? c.text : JSON.stringify(c.json))).join('\n');
  return status === 'error' ? `ERROR: ${text}` : text;
}

export function toStopReason(finish: string | null | undefined, sawToolCalls: boolean): StopReason {
  // Some servers (older Ollama) report `stop` even when they returned tool calls; the calls win.
  if (sawToolCalls && (finish === 'stop' || finish === 'tool_calls' || finish === 'function_call' || !finish)) return 'tool_use';
  switch (finish) {
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'content_filtered';
    default:
      return 'end_turn';
  }
}

/**
 * OpenAI's prompt_tokens includes cached tokens; Bedrock's inputTokens does not. We follow Bedrock
 * (the canonical shape) so a price table charging input and cache reads separately never counts a
 * cached token twice.
 */
export function toUsage(u: OpenAIUsage | null | undefined): Usage {
  const prompt = u?.prompt_tokens ?? 0;
  const cached = Math.min(u?.prompt_tokens_details?.cached_tokens ?? 0, prompt);
  const outputTokens = u?.completion_tokens ?? 0;
  return {
    inputTokens: prompt - cached,
    outputTokens,
    totalTokens: u?.total_tokens ?? prompt + outputTokens,
    cacheReadInputTokens: cached,
    cacheWriteInputTokens: 0,
  };
}

/** Tool arguments are JSON text; unparseable text is kept raw so the tool layer can report it (as collectStream does). */
export function parseArguments(args: string | undefined): unknown {
  if (!args?.trim()) return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

export function fromOpenAIResponse(res: OpenAIChatResponse, latencyMs: number): ConverseResponse {
  const choice = res.choices?.[0];
  if (!choice?.message) throw new LoreError('MODEL_BAD_RESPONSE', 'openai: response has no choices[0].message', { details: { response: res } });
  const content: ContentBlock[] = [];
  if (choice.message.content) content.push({ text: choice.message.content });
  const calls = choice.message.tool_calls ?? [];
  // Some servers omit tool-call ids; the loop pairs results by id, so mint unique ones.
  calls.forEach((c) => {
    content.push({ toolUse: { toolUseId: c.id || newId('call'), name: c.function?.name ?? '', input: parseArguments(c.function?.arguments) } });
  });
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: toStopReason(choice.finish_reason, calls.length > 0),
    usage: toUsage(res.usage),
    metrics: { latencyMs },
  };
}
