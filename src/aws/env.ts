import { z } from 'zod';
import { ConfigError, loadConfig, type LoreConfig } from '../config.js';

/**
 * The Lambda functions' settings: Lore's own config (LORE_* env vars, parsed by config.ts) plus the
 * few values only the AWS deployment has, set by the CDK stack on each function. Parsed once per
 * container by the handler entry points, the only place that reads process.env in src/aws/.
 */
const awsEnvSchema = z.object({
  /** The Step Functions state machine turns run on (the API, the queue consumer and the evaluator start executions). */
  LORE_STATE_MACHINE_ARN: z.string().regex(/^arn:aws[\w-]*:states:/, 'a Step Functions state machine ARN').optional(),
  /** Override the Step Functions endpoint (a local wire-format server in tests). */
  LORE_SFN_ENDPOINT: z.string().url().optional(),
  /** The task state a step function implements (one Lambda per Task state, same code). */
  LORE_STEP: z.string().regex(/^[A-Za-z]+$/).optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
});

export type AwsEnv = z.infer<typeof awsEnvSchema>;

export interface LambdaSettings {
  config: LoreConfig;
  aws: AwsEnv;
}

export function lambdaSettings(env: Record<string, string | undefined>): LambdaSettings {
  const parsed = awsEnvSchema.safeParse(env);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(`${i.path.join('.')}: ${i.message}`);
  }
  return { config: loadConfig(env), aws: parsed.data };
}
