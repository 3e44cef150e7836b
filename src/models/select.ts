import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ConfigError, type LoreConfig } from '../config.js';
import type { BedrockCredentials } from './bedrock-client.js';
import { lazyProvider } from './lazy.js';
import type { ModelProvider } from './provider.js';
import { withRetries, type RetryOptions } from './retry.js';

export type ModelSpec =
  | { kind: 'offline' }
  | { kind: 'bedrock'; modelId: string }
  | { kind: 'openai'; model: string; baseUrl: string };

/**
 * Parse `LORE_MODEL`: `offline | bedrock:<modelId> | openai:<model>@<baseUrl>`. The openai form
 * splits at the first `@` that starts an http(s) URL, so model names may contain `:` (`llama3.1:8b`).
 */
export function parseModelSpec(spec: string): ModelSpec {
  const s = spec.trim();
  if (s === 'offline') return { kind: 'offline' };
  if (s.startsWith('bedrock:') && s.length > 'bedrock:'.length) return { kind: 'bedrock', modelId: s.slice('bedrock:'.length) };
  const m = /^openai:([^@]+)@(https?:\/\/.+)$/.exec(s);
  if (m) return { kind: 'openai', model: m[1]!, baseUrl: m[2]! };
  throw new ConfigError(`LORE_MODEL (model): expected offline | bedrock:<modelId> | openai:<model>@<baseUrl>, got ${JSON.stringify(spec)}`);
}

export interface ModelProviderDeps {
  /** Factory for the built-in offline model (owned elsewhere; injected so this file stays adapter-only). */
  offline: () => ModelProvider;
  /** Bedrock credentials; omitted means the SDK default chain (env, profile, instance role). */
  credentials?: BedrockCredentials;
  /** A ready Bedrock client (shared pools, tests). */
  bedrockClient?: BedrockRuntimeClient;
  /** fetch for the OpenAI-compatible adapter. */
  fetch?: typeof fetch;
  /** Retry hooks (telemetry, fake sleep in tests); policy numbers come from config. */
  retry?: Pick<RetryOptions, 'sleep' | 'onRetry' | 'random' | 'maxDelayMs'>;
}

/** Build the configured provider, wrapped once in the shared retry policy. */
export function createModelProvider(config: LoreConfig, deps: ModelProviderDeps): ModelProvider {
  const spec = parseModelSpec(config.model);
  const call = config.modelCall;
  let provider: ModelProvider;
  switch (spec.kind) {
    case 'offline':
      provider = deps.offline();
      break;
    // Adapters are imported when first called: the AWS SDK is never loaded for the offline model.
    case 'bedrock':
      provider = lazyProvider(`bedrock:${spec.modelId}`, async () =>
        (await import('./bedrock.js')).createBedrockProvider({
          modelId: spec.modelId,
          region: call.region,
          timeoutMs: call.timeoutMs,
          ...(call.endpoint ? { endpoint: call.endpoint } : {}),
          ...(deps.credentials ? { credentials: deps.credentials } : {}),
          ...(deps.bedrockClient ? { client: deps.bedrockClient } : {}),
        }),
      );
      break;
    case 'openai':
      provider = lazyProvider(`openai:${spec.model}`, async () =>
        (await import('./openai.js')).createOpenAIProvider({
          model: spec.model,
          baseUrl: spec.baseUrl,
          timeoutMs: call.timeoutMs,
          ...(call.apiKey ? { apiKey: call.apiKey } : {}),
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        }),
      );
      break;
  }
  // The offline model never fails transiently, but wrapping it too keeps one code path for all.
  return withRetries(provider, { maxRetries: call.maxRetries, baseDelayMs: call.baseDelayMs, ...deps.retry });
}
