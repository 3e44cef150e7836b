import { LoreError } from '../errors.js';
import type { ContentBlock, ConverseResponse, ConverseStreamEvent, Role, StopReason, Usage } from './types.js';
import { emptyUsage } from './types.js';

/**
 * Assemble a ConverseStream event sequence into the ConverseResponse a non-streaming call would
 * have returned. `onEvent` sees every event as it passes (for text deltas to the user).
 */
export async function collectStream(
  events: AsyncIterable<ConverseStreamEvent>,
  onEvent?: (e: ConverseStreamEvent) => void | Promise<void>,
): Promise<ConverseResponse> {
  let role: Role = 'assistant';
  const blocks = new Map<number, { text?: string; toolUse?: { toolUseId: string; name: string; json: string } }>();
  let stopReason: StopReason | undefined;
  let usage: Usage = emptyUsage();
  let latencyMs: number | undefined;

  for await (const e of events) {
    if (onEvent) await onEvent(e);
    if ('messageStart' in e) role = e.messageStart.role;
    else if ('contentBlockStart' in e) {
      const start = e.contentBlockStart.start;
      blocks.set(e.contentBlockStart.contentBlockIndex, start?.toolUse ? { toolUse: { ...start.toolUse, json: '' } } : { text: '' });
    } else if ('contentBlockDelta' in e) {
      const idx = e.contentBlockDelta.contentBlockIndex;
      const delta = e.contentBlockDelta.delta;
      const block = blocks.get(idx) ?? {};
      if ('text' in delta) block.text = (block.text ?? '') + delta.text;
      else if (block.toolUse) block.toolUse.json += delta.toolUse.input;
      else throw new LoreError('MODEL_BAD_RESPONSE', `tool input delta for block ${idx} without a toolUse start`);
      blocks.set(idx, block);
    } else if ('messageStop' in e) stopReason = e.messageStop.stopReason;
    else if ('metadata' in e) {
      usage = e.metadata.usage;
      latencyMs = e.metadata.metrics?.latencyMs;
    }
  }
  if (!stopReason) throw new LoreError('MODEL_BAD_RESPONSE', 'model stream ended without messageStop');

  const content: ContentBlock[] = [];
  for (const idx of [...blocks.keys()].sort((a, b) => a - b)) {
    const b = blocks.get(idx)!;
    if (b.toolUse) {
      let input: unknown = {};
      if (b.toolUse.json.trim()) {
        try {
          input = JSON.parse(b.toolUse.json);
        } catch {
          // Keep the raw text: the tool layer reports it to the model as invalid input.
          input = b.toolUse.json;
        }
      }
      content.push({ toolUse: { toolUseId: b.toolUse.toolUseId, name: b.toolUse.name, input } });
    } else if (b.text) content.push({ text: b.text });
  }
  return { output: { message: { role, content } }, stopReason, usage, ...(latencyMs === undefined ? {} : { metrics: { latencyMs } }) };
}

/**
 * Turn a complete response into a stream of events, splitting text into small deltas. Used by
 * providers that produce a whole answer at once (the offline model).
 */
export function* responseToEvents(res: ConverseResponse, chunkChars = 12): Generator<ConverseStreamEvent> {
  yield { messageStart: { role: res.output.message.role } };
  let idx = 0;
  for (const block of res.output.message.content) {
    if ('text' in block) {
      yield { contentBlockStart: { contentBlockIndex: idx } };
      for (const piece of splitText(block.text, chunkChars)) {
        yield { contentBlockDelta: { contentBlockIndex: idx, delta: { text: piece } } };
      }
      yield { contentBlockStop: { contentBlockIndex: idx } };
      idx++;
    } else if ('toolUse' in block) {
      const { toolUseId, name, input } = block.toolUse;
      yield { contentBlockStart: { contentBlockIndex: idx, start: { toolUse: { toolUseId, name } } } };
      yield { contentBlockDelta: { contentBlockIndex: idx, delta: { toolUse: { input: JSON.stringify(input ?? {}) } } } };
      yield { contentBlockStop: { contentBlockIndex: idx } };
      idx++;
    }
  }
  yield { messageStop: { stopReason: res.stopReason } };
  yield { metadata: { usage: res.usage, ...(res.metrics ? { metrics: res.metrics } : {}) } };
}

/** Split on word boundaries into pieces of roughly `size` characters; never splits inside a word. */
function splitText(text: string, size: number): string[] {
  const out: string[] = [];
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  let cur = '';
  for (const w of words) {
    if (cur.length + w.length > size && cur) {
      out.push(cur);
      cur = '';
    }
    cur += w;
  }
  if (cur) out.push(cur);
  return out;
}
