import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * Bedrock model ARNs for exactly the configured model. A cross-region inference profile id
 * (`us.`, `eu.`, `apac.`, `global.` prefix) is invoked through the profile, which routes to the
 * underlying foundation model in the profile's regions, so both ARNs are needed.
 */
export function modelArns(stack: Stack, modelId: string): string[] {
  const profile = /^(us|eu|apac|global|us-gov)\.(.+)$/.exec(modelId);
  if (!profile) return [stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: modelId })];
  return [
    stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: modelId }),
    stack.formatArn({ service: 'bedrock', region: '*', account: '', resource: 'foundation-model', resourceName: profile[2]! }),
  ];
}

export function invokeModelStatement(stack: Stack, modelId: string): PolicyStatement {
  return new PolicyStatement({ actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], resources: modelArns(stack, modelId) });
}
