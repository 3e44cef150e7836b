import type { LoreConfig } from '../config.js';
import { lazyEmbedder } from '../models/lazy.js';
import type { Embedder } from './embedder.js';

/** `openai:<model>@<baseUrl>`: the model name may hold `:` (e.g. `nomic-embed-text:v1.5`), the URL starts at the first `@`. */
export function parseOpenAIEmbedder(spec: string): { model: string; baseUrl: string } {
  const rest = spec.slice('openai:'.length);
  const at = rest.indexOf('@');
  return { model: rest.slice(0, at), baseUrl: rest.slice(at + 1) };
}

/**
 * The embedder named by config.memory.embedder, or undefined for `none` (BM25 alone). Adapters are
 * imported on the first embedding only, so `lore --version` and BM25-only processes never load them.
 */
export function createEmbedder(config: LoreConfig): Embedder | undefined {
  const spec = config.memory.embedder;
  if (spec === 'none') return undefined;
  if (spec.startsWith('openai:')) {
    const { model, baseUrl } = parseOpenAIEmbedder(spec);
    const dimensions = config.memory.embedderDimensions ?? 768;
    return lazyEmbedder(`openai:${model}`, dimensions, async () =>
      (await import('./openai-embedder.js')).createOpenAIEmbedder({
        model,
        baseUrl,
        dimensions,
        timeoutMs: config.modelCall.timeoutMs,
        ...(config.modelCall.apiKey ? { apiKey: config.modelCall.apiKey } : {}),
      }),
    );
  }
  const dimensions = (config.memory.embedderDimensions ?? 1024) as 256 | 512 | 1024;
  return lazyEmbedder(spec, dimensions, async () =>
    (await import('../models/titan-embedder.js')).createTitanEmbedder({
      modelId: spec.slice('bedrock:'.length),
      region: config.modelCall.region,
      dimensions,
      ...(config.modelCall.endpoint ? { endpoint: config.modelCall.endpoint } : {}),
    }),
  );
}
