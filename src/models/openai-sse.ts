import { LoreError } from '../errors.js';
import { newId } from '../util/ids.js';
import { toStopReason, toUsage, type OpenAIToolCall, type OpenAIUsage } from './openai-map.js';
import type { ConverseStreamEvent, StopReason } from './types.js';

/** Server-sent events → OpenAI chunks → our ConverseStream events. */

export interface OpenAIStreamChunk {
  choices?: Array<{ index?: number; delta?: { content?: string | null; tool_calls?: OpenAIToolCall[] | null }; finish_reason?: string | null }>;
  usage?: OpenAIUsage | null;
  error?: { message?: string; type?: string; code?: unknown };
}

/**
 * Yield the `data` payload of each SSE event (multi-line data joined with \n, per the SSE spec),
 * ending at `[DONE]` or the end of the body. Comments (`:`) and `event:`/`id:` fields are ignored.
 */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const flush = function* () {
    if (data.length) yield data.join('\n');
    data = [];
  };
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? nl + 2 : nl + 1);
      if (line === '') {
        for (const d of flush()) {
          if (d.trim() === '[DONE]') return;
          yield d;
        }
      } else if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
    }
  }
  buffer += decoder.decode();
  if (buffer.startsWith('data:')) data.push(buffer.slice(buffer[5] === ' ' ? 6 : 5));
  for (const d of flush()) if (d.trim() !== '[DONE]') yield d;
}

/**
 * Stateful translation of chat-completion chunks into Bedrock-style events. OpenAI streams text
 * and tool calls as deltas on one message; Bedrock numbers content blocks, so each text run and
 * each tool call (by its `index`) gets its own block index, opened and closed in order.
 */
export class StreamTranslator {
  private started = false;
  private nextBlock = 0;
  private openText: number | undefined;
  private openTool: number | undefined;
  private readonly toolBlocks = new Map<number, number>(); // tool_call index → block index
  private finish: string | null | undefined;
  private stopped = false;
  private usage: OpenAIUsage | null | undefined;

  push(chunk: OpenAIStreamChunk): ConverseStreamEvent[] {
    if (chunk.error) {
      throw new LoreError('MODEL_ERROR', `openai: stream error: ${chunk.error.message ?? 'unknown'}`, { details: chunk.error });
    }
    const out: ConverseStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      out.push({ messageStart: { role: 'assistant' } });
    }
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return out;

    const text = choice.delta?.content;
    if (text) {
      if (this.openText === undefined) {
        this.closeTool(out);
        this.openText = this.nextBlock++;
        out.push({ contentBlockStart: { contentBlockIndex: this.openText } });
      }
      out.push({ contentBlockDelta: { contentBlockIndex: this.openText, delta: { text } } });
    }
    for (const call of choice.delta?.tool_calls ?? []) {
      const key = call.index ?? 0;
      let block = this.toolBlocks.get(key);
      if (block === undefined) {
        this.closeText(out);
        this.closeTool(out);
        block = this.nextBlock++;
        this.toolBlocks.set(key, block);
        this.openTool = block;
        const toolUse = { toolUseId: call.id || newId('call'), name: call.function?.name ?? '' };
        out.push({ contentBlockStart: { contentBlockIndex: block, start: { toolUse } } });
      }
      const args = call.function?.arguments;
      if (args) out.push({ contentBlockDelta: { contentBlockIndex: block, delta: { toolUse: { input: args } } } });
    }
    if (choice.finish_reason) {
      this.finish = choice.finish_reason;
      this.stop(out);
    }
    return out;
  }

  /** Events due at the end of the body: messageStop (if the server never sent finish_reason) and metadata. */
  end(latencyMs: number): ConverseStreamEvent[] {
    if (!this.started) throw new LoreError('MODEL_BAD_RESPONSE', 'openai: stream ended without any chunk');
    const out: ConverseStreamEvent[] = [];
    this.stop(out);
    out.push({ metadata: { usage: toUsage(this.usage), metrics: { latencyMs } } });
    return out;
  }

  private stop(out: ConverseStreamEvent[]): void {
    if (this.stopped) return;
    this.stopped = true;
    this.closeText(out);
    this.closeTool(out);
    const stopReason: StopReason = toStopReason(this.finish, this.toolBlocks.size > 0);
    out.push({ messageStop: { stopReason } });
  }

  private closeText(out: ConverseStreamEvent[]): void {
    if (this.openText === undefined) return;
    out.push({ contentBlockStop: { contentBlockIndex: this.openText } });
    this.openText = undefined;
  }

  private closeTool(out: ConverseStreamEvent[]): void {
    if (this.openTool === undefined) return;
    out.push({ contentBlockStop: { contentBlockIndex: this.openTool } });
    this.openTool = undefined;
  }
}
