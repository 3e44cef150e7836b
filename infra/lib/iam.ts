import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * Bedrock model ARNs for exactly the configured model. A cross-region inference profile id
 * (`us.`, `eu.`, `apac.`, `global.` prefix) is invoked through the profile, which routes to the
 * underlying foundation model in the profile's regions, so both ARNs are needed.
 */
/** The foundation model behind a cross-region inference profile id; undefined for a plain model id. */
export const inferenceProfileModel = (modelId: string): string | undefined => /^(us|eu|apac|global|us-gov)\.(.+)$/.exec(modelId)?.[2];

export function modelArns(stack: Stack, modelId: string): string[] {
  const base = inferenceProfileModel(modelId);
  if (!base) return [stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: modelId })];
  return [
    stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: modelId }),
    stack.formatArn({ service: 'bedrock', region: '*', account: '', resource: 'foundation-model', resourceName: base }),
  ];
}

export function invokeModelStatement(stack: Stack, modelId: string): PolicyStatement {
  return new PolicyStatement({ actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], resources: modelArns(stack, modelId) });
}
