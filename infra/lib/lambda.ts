import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * What esbuild leaves out of every bundle: the AWS SDK v3 (the Node.js 20 Lambda runtime ships it)
 * and the embedded SQLite backend's native modules, which a Lambda never loads: on AWS the stores
 * are DynamoDB (LORE_STORE=dynamodb).
 */
export const BUNDLE_EXTERNALS = ['@aws-sdk/*', 'better-sqlite3', 'sqlite-vec', 'sqlite-vec-*'];

export interface LoreFunctionProps {
  entry: string;
  handler?: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize?: number;
  logRetentionDays: number;
}

/**
 * A Lambda bundled by esbuild from src/ (the locally installed esbuild; no Docker): CommonJS, Node 20 syntax,
 * arm64, X-Ray active tracing, its own log group with a retention, structured JSON logs.
 */
export function loreFunction(scope: Construct, id: string, p: LoreFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: p.logRetentionDays as RetentionDays, removalPolicy: RemovalPolicy.DESTROY });
  // Its own role instead of AWSLambdaBasicExecutionRole (logs:* on every log group): it may write
  // to its own log group only.
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  const fn = new NodejsFunction(scope, id, {
    role,
    entry: join(REPO_ROOT, p.entry),
    handler: p.handler ?? 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
    // Node 20 is past its Lambda deprecation date; the bundle targets Node 20 syntax, which 24 runs.
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: p.memorySize ?? 1024,
    timeout: p.timeout,
    tracing: Tracing.ACTIVE,
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', LORE_DATA_DIR: '/tmp/lore', ...p.environment },
    bundling: {
      // CommonJS on purpose: esbuild hoists an ESM bundle's external imports to the top, so the
      // AWS SDK would load at INIT even where Lore imports its adapters lazily; as require()
      // calls they stay inside the lazily-initialised modules (bench/lambda-cold-start.ts).
      format: OutputFormat.CJS,
      target: 'node20',
      minify: true,
      sourceMap: true,
      externalModules: BUNDLE_EXTERNALS,
      forceDockerBundling: false,
      mainFields: ['module', 'main'],
    },
  });
  const v = Validations.of(role);
  v.acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions; AWS requires Resource "*" for them.' });
  v.acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId(logGroup)}.Arn>:*]`,
    reason: 'Log streams are created at run time with generated names; the grant is limited to streams of this function\'s own log group.',
  });
  return fn;
}

/** A construct's CloudFormation logical id, as cdk-nag prints it in finding ids. */
export function logicalId(c: Construct): string {
  const child = c.node.defaultChild as import('aws-cdk-lib').CfnElement;
  return Stack.of(c).getLogicalId(child);
}
