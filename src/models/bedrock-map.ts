import type {
  ContentBlock as SdkContentBlock,
  ConverseCommandInput,
  ConverseCommandOutput,
  ConverseStreamOutput,
  Message as SdkMessage,
  SystemContentBlock as SdkSystemBlock,
  TokenUsage,
  Tool as SdkTool,
  ToolResultContentBlock as SdkToolResultContent,
} from '@aws-sdk/client-bedrock-runtime';
import { LoreError } from '../errors.js';
import type { ContentBlock, ConverseRequest, ConverseResponse, ConverseStreamEvent, Message, StopReason, Usage } from './types.js';

/**
 * Our types are the Converse shapes already, so this file is mostly re-typing: SDK unions carry
 * many more members (images, reasoning, guard content) that we drop explicitly rather than leak.
 */

type SdkDocument = NonNullable<SdkToolResultContent.JsonMember['json']>;
const CACHE_POINT = { cachePoint: { type: 'default' } } as const;

export function toSdkInput(modelId: string, req: ConverseRequest, promptCaching: boolean): ConverseCommandInput {
  const input: ConverseCommandInput = { modelId, messages: req.messages.map(toSdkMessage) };

  if (req.system?.length) {
    // With caching off, caller-placed cache points go too: models without caching reject them.
    const system: SdkSystemBlock[] = req.system.flatMap((b): SdkSystemBlock[] =>
      'text' in b ? [{ text: b.text }] : promptCaching ? [CACHE_POINT] : [],
    );
    // The system prompt is the stable prefix of every turn; caching it is where the savings are.
    const hasCachePoint = system.some((b) => 'cachePoint' in b && b.cachePoint);
    if (promptCaching && !hasCachePoint && system.some((b) => 'text' in b)) system.push(CACHE_POINT);
    if (system.length) input.system = system;
  }

  if (req.toolConfig?.tools.length) {
    const tools: SdkTool[] = req.toolConfig.tools.map((t) => ({
      toolSpec: { name: t.name, description: t.description, inputSchema: { json: t.inputSchema.json as SdkDocument } },
    }));
    // Tool specs precede the system prompt in the cached prefix; a cache point keeps them warm too.
    if (promptCaching) tools.push(CACHE_POINT);
    input.toolConfig = { tools, ...(req.toolConfig.toolChoice ? { toolChoice: req.toolConfig.toolChoice } : {}) };
  }

  if (req.inferenceConfig) input.inferenceConfig = { ...req.inferenceConfig };
  return input;
}

function toSdkMessage(m: Message): SdkMessage {
  return { role: m.role, content: m.content.map(toSdkBlock) };
}

function toSdkBlock(b: ContentBlock): SdkContentBlock {
  if ('text' in b) return { text: b.text };
  if ('toolUse' in b) {
    const { toolUseId, name, input } = b.toolUse;
    return { toolUse: { toolUseId, name, input: (input ?? {}) as SdkDocument } };
  }
  const { toolUseId, content, status } = b.toolResult;
  return {
    toolResult: {
      toolUseId,
      content: content.map((c): SdkToolResultContent => ('text' in c ? { text: c.text } : { json: c.json as SdkDocument })),
      ...(status ? { status } : {}),
    },
  };
}

const STOP_REASONS: ReadonlySet<string> = new Set<StopReason>([
  'end_turn',
  'tool_use',
  'max_tokens',
  'stop_sequence',
  'guardrail_intervened',
  'content_filtered',
]);

export function toStopReason(r: string | undefined): StopReason {
  if (r && STOP_REASONS.has(r)) return r as StopReason;
  // Same consequence for the loop as running out of output tokens: the answer is cut short.
  if (r === 'model_context_window_exceeded') return 'max_tokens';
  throw new LoreError('MODEL_BAD_RESPONSE', `bedrock: unexpected stopReason ${JSON.stringify(r)}`, { details: { stopReason: r } });
}

export function toUsage(u: TokenUsage | undefined): Usage {
  const inputTokens = u?.inputTokens ?? 0;
  const outputTokens = u?.outputTokens ?? 0;
  return {
    inputTokens,
    outputTokens,
    totalTokens: u?.totalTokens ?? inputTokens + outputTokens,
    cacheReadInputTokens: u?.cacheReadInputTokens ?? 0,
    cacheWriteInputTokens: u?.cacheWriteInputTokens ?? 0,
  };
}

export function fromSdkOutput(out: ConverseCommandOutput, measuredLatencyMs: number): ConverseResponse {
  const msg = out.output && 'message' in out.output ? out.output.message : undefined;
  if (!msg) throw new LoreError('MODEL_BAD_RESPONSE', 'bedrock: response has no output.message');
  const content: ContentBlock[] = [];
  for (const b of msg.content ?? []) {
    if (typeof b.text === 'string') content.push({ text: b.text });
    else if (b.toolUse) content.push({ toolUse: { toolUseId: b.toolUse.toolUseId ?? '', name: b.toolUse.name ?? '', input: b.toolUse.input ?? {} } });
    // reasoningContent, citations, images: not part of our canonical subset.
  }
  return {
    output: { message: { role: msg.role === 'user' ? 'user' : 'assistant', content } },
    stopReason: toStopReason(out.stopReason),
    usage: toUsage(out.usage),
    metrics: { latencyMs: out.metrics?.latencyMs ?? measuredLatencyMs },
  };
}

/**
 * One SDK stream event → at most one of ours. Exception members are thrown so the caller's error
 * mapping treats them exactly like the exceptions the SDK raises itself.
 */
export function fromSdkStreamEvent(e: ConverseStreamOutput): ConverseStreamEvent | undefined {
  if (e.messageStart) return { messageStart: { role: e.messageStart.role === 'user' ? 'user' : 'assistant' } };
  if (e.contentBlockStart) {
    const toolUse = e.contentBlockStart.start?.toolUse;
    if (!toolUse) return undefined; // image / toolResult starts are outside our subset
    return {
      contentBlockStart: {
        contentBlockIndex: e.contentBlockStart.contentBlockIndex ?? 0,
        start: { toolUse: { toolUseId: toolUse.toolUseId ?? '', name: toolUse.name ?? '' } },
      },
    };
  }
  if (e.contentBlockDelta) {
    const idx = e.contentBlockDelta.contentBlockIndex ?? 0;
    const d = e.contentBlockDelta.delta;
    if (typeof d?.text === 'string') return { contentBlockDelta: { contentBlockIndex: idx, delta: { text: d.text } } };
    if (d?.toolUse) return { contentBlockDelta: { contentBlockIndex: idx, delta: { toolUse: { input: d.toolUse.input ?? '' } } } };
    return undefined; // reasoning / citation deltas
  }
  if (e.contentBlockStop) return { contentBlockStop: { contentBlockIndex: e.contentBlockStop.contentBlockIndex ?? 0 } };
  if (e.messageStop) return { messageStop: { stopReason: toStopReason(e.messageStop.stopReason) } };
  if (e.metadata) {
    const latencyMs = e.metadata.metrics?.latencyMs;
    return { metadata: { usage: toUsage(e.metadata.usage), ...(latencyMs === undefined ? {} : { metrics: { latencyMs } }) } };
  }
  const ex =
    e.throttlingException ?? e.serviceUnavailableException ?? e.internalServerException ?? e.modelStreamErrorException ?? e.validationException;
  if (ex) throw ex;
  return undefined;
}
