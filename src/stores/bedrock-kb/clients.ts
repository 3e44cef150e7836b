import type { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import type { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * The three AWS clients of the Bedrock KB adapter, with their SDKs loaded on first use so a
 * deployment that never selects this adapter never loads them.
 */
export interface AwsConnection {
  region: string;
  /** Local endpoints (tests); absent on AWS. */
  endpoints?: { s3?: string; bedrockAgent?: string; bedrockAgentRuntime?: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface KbClients {
  runtime: BedrockAgentRuntimeClient;
  agent: BedrockAgentClient;
  s3: S3Client;
}

type Sdk = {
  runtime: typeof import('@aws-sdk/client-bedrock-agent-runtime');
  agent: typeof import('@aws-sdk/client-bedrock-agent');
  s3: typeof import('@aws-sdk/client-s3');
};
let sdk: Promise<Sdk> | undefined;

export function loadKbSdk(): Promise<Sdk> {
  return (sdk ??= Promise.all([import('@aws-sdk/client-bedrock-agent-runtime'), import('@aws-sdk/client-bedrock-agent'), import('@aws-sdk/client-s3')]).then(
    ([runtime, agent, s3]) => ({ runtime, agent, s3 }),
  ));
}

export async function createKbClients(c: AwsConnection): Promise<KbClients> {
  const [m, { NodeHttpHandler }] = await Promise.all([loadKbSdk(), import('@smithy/node-http-handler')]);
  const base = { region: c.region, ...(c.credentials ? { credentials: c.credentials } : {}) };
  return {
    // HTTP/1.1: the runtime client defaults to HTTP/2 for its streaming operations; Retrieve is a
    // plain request/response and works over either, and local endpoints speak HTTP/1.1 only.
    runtime: new m.runtime.BedrockAgentRuntimeClient({ ...base, requestHandler: new NodeHttpHandler(), ...(c.endpoints?.bedrockAgentRuntime ? { endpoint: c.endpoints.bedrockAgentRuntime } : {}) }),
    agent: new m.agent.BedrockAgentClient({ ...base, ...(c.endpoints?.bedrockAgent ? { endpoint: c.endpoints.bedrockAgent } : {}) }),
    // Path-style only for a local endpoint; on AWS the SDK's virtual-hosted default applies.
    s3: new m.s3.S3Client({ ...base, ...(c.endpoints?.s3 ? { endpoint: c.endpoints.s3, forcePathStyle: true } : {}) }),
  };
}
