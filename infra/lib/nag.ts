import { Validations } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { inferenceProfileModel } from './iam.js';
import { logicalId } from './lambda.js';
import type { LoreStack } from './lore-stack.js';

/**
 * The cdk-nag AwsSolutions findings this stack accepts, each on the construct it concerns, with the
 * reason. Everything else cdk-nag reports fails synth (and the template test).
 */
export function acknowledgeNagFindings(stack: LoreStack, functions: NodejsFunction[]): void {
  const { data, workflow, api } = stack;
  // An inference profile routes to the model in any of its regions: the region is the one wildcard.
  const base = inferenceProfileModel(stack.settings.modelId);
  if (base) {
    for (const fn of functions) {
      Validations.of(fn.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${base}]`,
        reason: 'A cross-region inference profile serves the configured model from any region of the profile; the model id itself is fixed.',
      });
    }
  }
  const tableIndexes = Object.values(data.tables).map((t) => `AwsSolutions-IAM5[Resource::<${logicalId(t)}.Arn>/index/*]`);
  for (const fn of functions) {
    const v = Validations.of(fn.role!);
    for (const id of tableIndexes) v.acknowledge({ id, reason: 'Queries on this table\'s own global secondary indexes (index names are part of the backend\'s table definitions).' });
  }
  const bucket = logicalId(data.bucket);
  const objectPrefixes = { knowledge: 'Knowledge documents are objects under knowledge/, named by the user who ingests them.', 'learning-history': 'Learning history objects are written under learning-history/ with generated keys.' };
  for (const fn of [...functions, ...(data.knowledgeBase ? [data.knowledgeBase] : [])]) {
    const target = 'role' in fn && fn.role ? fn.role : data.node.findChild('KnowledgeBaseRole');
    for (const [prefix, reason] of Object.entries(objectPrefixes)) Validations.of(target).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/${prefix}/*]`, reason });
  }
  // Step Functions invokes each step by its ARN, and grantInvoke also allows its versions/aliases (`:*`).
  const smRole = workflow.stateMachine.role;
  for (const fn of Object.values(workflow.steps)) {
    Validations.of(smRole).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`, reason: 'Invoking a version or alias of this one step function; no other function.' });
  }
  Validations.of(smRole).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray tracing and CloudWatch Logs vended log delivery (logs:CreateLogDelivery and friends) support no resource-level permissions.',
  });
  if (api.userPool) {
    Validations.of(api.userPool).acknowledge({ id: 'AwsSolutions-COG2', reason: 'MFA is the operator\'s choice for their users; the pool is created for a first deployment and can be replaced by an external issuer (lore:auth).' });
    Validations.of(api.userPool).acknowledge({ id: 'AwsSolutions-COG8', reason: 'The Plus feature plan (threat protection) is billed per monthly active user; the Essentials plan is the default here and Plus is one property away.' });
  }
}
