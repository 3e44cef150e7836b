import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export type BedrockCredentials = BedrockRuntimeClientConfig['credentials'];

export interface BedrockClientOptions {
  region: string;
  /** Override the endpoint (VPC endpoint, a local wire-format server in tests). */
  endpoint?: string;
  /** Static keys or a provider; omitted means the SDK's default chain (env, profile, role). */
  credentials?: BedrockCredentials;
  timeoutMs: number;
}

/**
 * One place that builds the SDK client so the Converse provider and the Titan embedder agree on
 * transport settings:
 * - maxAttempts 1: retries belong to withRetries (one policy, visible in our telemetry), not to a
 *   second hidden retry loop in the SDK that would multiply attempts.
 * - NodeHttpHandler: HTTP/1.1, which works against a plain node:http server as well as AWS; the
 *   default handler would try HTTP/2 for the event-stream operation.
 * - connectionTimeout: fail fast on an unreachable endpoint; the whole-call budget is enforced by
 *   our own deadline (abortSignal), which also covers stream reads.
 */
export function createBedrockClient(opts: BedrockClientOptions): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: Math.min(opts.timeoutMs, 10_000) }),
  });
}
