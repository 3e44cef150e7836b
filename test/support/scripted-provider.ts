import type { ModelProvider } from '../../src/models/provider.js';
import { responseToEvents } from '../../src/models/stream.js';
import type { ContentBlock, ConverseRequest, ConverseResponse } from '../../src/models/types.js';

/**
 * A test model that answers from a script: each call takes the next step, which is content blocks
 * or a function of the request. Records every request so tests can assert what the model saw.
 */
export type ScriptStep = ContentBlock[] | ((req: ConverseRequest) => ContentBlock[]);

export function scriptedProvider(steps: ScriptStep[], opts: { repeatLast?: boolean } = {}): ModelProvider & { requests: ConverseRequest[] } {
  const requests: ConverseRequest[] = [];
  let i = 0;
  const converse = async (req: ConverseRequest): Promise<ConverseResponse> => {
    requests.push(structuredClone(req));
    const step = steps[Math.min(i, steps.length - 1)];
    if (!step || (i >= steps.length && !opts.repeatLast)) throw new Error(`scripted provider ran out of steps at call ${i + 1}`);
    i++;
    const content = typeof step === 'function' ? step(req) : step;
    const out = JSON.stringify(content).length;
    return {
      output: { message: { role: 'assistant', content } },
      stopReason: content.some((b) => 'toolUse' in b) ? 'tool_use' : 'end_turn',
      usage: { inputTokens: 100, outputTokens: Math.ceil(out / 4), totalTokens: 100 + Math.ceil(out / 4) },
    };
  };
  return {
    specificationVersion: 'v1',
    modelId: 'scripted',
    requests,
    converse,
    async *converseStream(req) {
      yield* responseToEvents(await converse(req), 5);
    },
  };
}

export const toolUse = (name: string, input: unknown, id = `tu_${name}_${Math.random().toString(36).slice(2, 8)}`): ContentBlock => ({
  toolUse: { toolUseId: id, name, input },
});
