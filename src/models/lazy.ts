import type { Embedder } from '../memory/embedder.js';
import type { ModelProvider } from './provider.js';

/**
 * Cloud adapters pull in large SDKs (the AWS SDK alone takes longer to import than the whole CLI
 * needs to start). These wrappers keep composition synchronous while the adapter module is
 * imported on first use only, so a process that runs the offline model never loads them.
 */
export function lazyProvider(modelId: string, load: () => Promise<ModelProvider>): ModelProvider {
  let ready: Promise<ModelProvider> | undefined;
  const get = () => (ready ??= load().catch((e: unknown) => {
    ready = undefined; // a failed import may be retried (e.g. a transient file-system error)
    throw e;
  }));
  return {
    specificationVersion: 'v1',
    modelId,
    converse: async (request, options) => (await get()).converse(request, options),
    async *converseStream(request, options) {
      yield* (await get()).converseStream(request, options);
    },
  };
}

export function lazyEmbedder(modelId: string, dimensions: number, load: () => Promise<Embedder>): Embedder {
  let ready: Promise<Embedder> | undefined;
  return {
    modelId,
    dimensions,
    embed: async (texts, options) => (await (ready ??= load())).embed(texts, options),
  };
}
