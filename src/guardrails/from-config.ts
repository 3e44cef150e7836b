import type { LoreConfig } from '../config.js';
import type { BedrockCredentials } from '../models/bedrock-client.js';
import type { ModelProvider } from '../models/provider.js';
import { createModelGuardrail } from './model-guard.js';
import type { Logger } from '../telemetry/logger.js';
import type { LoreMetrics } from '../telemetry/metrics.js';
import { createBedrockGuardrail } from '../models/bedrock-guardrail.js';
import { createBuiltinGuardrail } from './builtin.js';
import { composeGuardrails } from './compose.js';
import { instrumentGuardrail } from './instrument.js';
import type { Guardrail } from './port.js';

/**
 * The configured guardrail. The built-in detectors always run first, so normalisation and PII
 * redaction do not depend on a network call; with provider `bedrock` the (already redacted) text
 * then goes to ApplyGuardrail for the account's topics, filters and entity types; with modelGuard,
 * the model is asked last.
 */
export function createGuardrail(config: Pick<LoreConfig, 'guardrails' | 'modelCall'>, o: { metrics?: LoreMetrics; logger?: Logger; credentials?: BedrockCredentials; provider?: ModelProvider } = {}): Guardrail {
  const g = config.guardrails;
  const guards: Guardrail[] = [createBuiltinGuardrail({ deniedTopics: g.deniedTopics, piiMode: g.piiMode, personalOptOut: g.personalOptOut })];
  if (g.provider === 'bedrock' && g.bedrockGuardrailId) {
    guards.push(
      createBedrockGuardrail({
        guardrailId: g.bedrockGuardrailId,
        guardrailVersion: g.bedrockGuardrailVersion,
        region: config.modelCall.region,
        timeoutMs: config.modelCall.timeoutMs,
        ...(config.modelCall.endpoint ? { endpoint: config.modelCall.endpoint } : {}),
        ...(o.credentials ? { credentials: o.credentials } : {}),
      }),
    );
  }
  // Last: the model only ever sees text the detectors before it have redacted.
  if (g.modelGuard && o.provider) guards.push(createModelGuardrail(o.provider));
  return instrumentGuardrail(composeGuardrails(guards), o);
}

/** What a turn uses when it was given no guardrail (tests, embedding): the built-in detectors. */
export const defaultGuardrail: Guardrail = createBuiltinGuardrail();
