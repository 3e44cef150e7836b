/**
 * The canonical message format: Amazon Bedrock Converse shapes. Every provider translates to and
 * from these; the loop, memory and workflow only ever see them.
 */

export type Role = 'user' | 'assistant';

export interface TextBlock {
  text: string;
}

export interface ToolUseBlock {
  toolUse: { toolUseId: string; name: string; input: unknown };
}

export type ToolResultContent = { text: string } | { json: unknown };

export type ToolResultStatus = 'success' | 'error';

export interface ToolResultBlock {
  toolResult: { toolUseId: string; content: ToolResultContent[]; status?: ToolResultStatus };
}

export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock;

export interface Message {
  role: Role;
  content: ContentBlock[];
}

/** A system block is text, or a cache point (Bedrock prompt caching) after the stable prefix. */
export type SystemContentBlock = { text: string } | { cachePoint: { type: 'default' } };

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: { json: Record<string, unknown> };
}

export interface ToolConfig {
  tools: ToolSpec[];
  toolChoice?: { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };
}

export interface InferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export type StopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened'
  | 'content_filtered';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface ConverseRequest {
  system?: SystemContentBlock[];
  messages: Message[];
  toolConfig?: ToolConfig;
  inferenceConfig?: InferenceConfig;
}

export interface ConverseResponse {
  output: { message: Message };
  stopReason: StopReason;
  usage: Usage;
  metrics?: { latencyMs: number };
}

/** ConverseStream events, one key per event as in the Bedrock API. */
export type ConverseStreamEvent =
  | { messageStart: { role: Role } }
  | {
      contentBlockStart: {
        contentBlockIndex: number;
        start?: { toolUse: { toolUseId: string; name: string } };
      };
    }
  | {
      contentBlockDelta: {
        contentBlockIndex: number;
        delta: { text: string } | { toolUse: { input: string } };
      };
    }
  | { contentBlockStop: { contentBlockIndex: number } }
  | { messageStop: { stopReason: StopReason } }
  | { metadata: { usage: Usage; metrics?: { latencyMs: number } } };

export interface CallOptions {
  signal?: AbortSignal;
}

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, totalTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    cacheReadInputTokens: (a.cacheReadInputTokens ?? 0) + (b.cacheReadInputTokens ?? 0),
    cacheWriteInputTokens: (a.cacheWriteInputTokens ?? 0) + (b.cacheWriteInputTokens ?? 0),
  };
}

export const isText = (b: ContentBlock): b is TextBlock => 'text' in b;
export const isToolUse = (b: ContentBlock): b is ToolUseBlock => 'toolUse' in b;
export const isToolResult = (b: ContentBlock): b is ToolResultBlock => 'toolResult' in b;

/** Concatenated text of a message's text blocks. */
export function messageText(m: Message): string {
  return m.content.filter(isText).map((b) => b.text).join('');
}
