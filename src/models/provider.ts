import type { CallOptions, ConverseRequest, ConverseResponse, ConverseStreamEvent } from './types.js';

/**
 * The ModelProvider port. Adapters (offline, bedrock, openai-compatible) implement it and only
 * translate; retries, timing and telemetry live in wrappers around it.
 */
export interface ModelProvider {
  readonly specificationVersion: 'v1';
  /** e.g. `offline`, `bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0`, `openai:llama3.1` */
  readonly modelId: string;
  converse(request: ConverseRequest, options?: CallOptions): Promise<ConverseResponse>;
  converseStream(request: ConverseRequest, options?: CallOptions): AsyncIterable<ConverseStreamEvent>;
}
