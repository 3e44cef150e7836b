import '../workflow/asl-polyfill.js';
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { Writable } from 'node:stream';
import { createLoreApp } from '../../infra/lib/app.js';
import type { TurnInput } from '../../src/agent/turn.js';
import { buildContainer, once, type LambdaContainer } from '../../src/aws/container.js';
import { lambdaSettings } from '../../src/aws/env.js';
import { createStepFunctions } from '../../src/aws/sfn.js';
import { createStepLambda, type StepLambda } from '../../src/aws/step-lambda.js';
import type { ModelProvider } from '../../src/models/provider.js';
import type { AnyTool } from '../../src/tools/tool.js';
import type { AslStateMachine } from '../../src/workflow/asl.js';
import type { RunResult } from '../../src/workflow/types.js';
import type { StepFunctionsServer } from '../servers/stepfunctions-server.js';
import { settleExecution } from '../workflow/asl-execution.js';

/**
 * The deployed shape, run locally: the state machine definition and each function's environment
 * come from the SYNTHESIZED CloudFormation template (CDK App → Template), every Task resource is
 * mapped — through its function's LORE_STEP — to the real step Lambda handler, invoked in-process,
 * each function with its own container (its own runtime over the shared store), as Lambda would.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const fnArn = (logicalId: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`;

/** Resolve the intrinsic functions CDK emits (Fn::Join, Fn::GetAtt, Ref) to placeholder values. */
export function resolveCfn(v: unknown, template: Record<string, any>): any {
  if (Array.isArray(v)) return v.map((x) => resolveCfn(x, template));
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveCfn(p, template)).join(sep);
  }
  if ('Fn::GetAtt' in o) {
    const at = o['Fn::GetAtt'];
    const [id, attr] = Array.isArray(at) ? (at as string[]) : String(at).split('.');
    if (template[id!]?.Type === 'AWS::Lambda::Function' && attr === 'Arn') return fnArn(id!);
    return `${id}.${attr}`;
  }
  if ('Ref' in o) {
    const pseudo: Record<string, string> = { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': 'Lore' };
    const ref = String(o.Ref);
    // A state machine's Ref is its ARN; other resources' Refs are names, kept as the logical id.
    if (template[ref]?.Type === 'AWS::StepFunctions::StateMachine') return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${ref}`;
    return pseudo[ref] ?? ref;
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolveCfn(x, template)]));
}

export interface SynthesizedShape {
  template: Template;
  resources: Record<string, any>;
  /** The state machine as deployed: DefinitionString with the ARNs resolved. */
  definition: AslStateMachine;
  /** Each Lambda's environment variables as the template sets them, by logical id. */
  functionEnv: Map<string, Record<string, string>>;
}

export function synthesizeShape(): SynthesizedShape {
  const { stack } = createLoreApp({ bundle: false });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, any>;
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const definition = JSON.parse(resolveCfn(machines[0]!.Properties.DefinitionString, resources)) as AslStateMachine;
  const functionEnv = new Map<string, Record<string, string>>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::Lambda::Function') functionEnv.set(id, resolveCfn(r.Properties.Environment?.Variables ?? {}, resources));
  }
  return { template, resources, definition, functionEnv };
}

/** The function a Task invokes: its Resource, or FunctionName for `lambda:invoke` integrations. */
export function taskFunctionId(state: Record<string, any>): string {
  const arn = String(state.Resource).startsWith('arn:aws:states:::') ? String(state.Parameters?.FunctionName) : String(state.Resource);
  const m = /:function:([A-Za-z0-9]+)$/.exec(arn);
  if (!m) throw new Error(`task resource is not a Lambda ARN: ${arn}`);
  return m[1]!;
}

export interface LocalDeployment {
  shape: SynthesizedShape;
  /** Containers by function logical id (built on first invocation, like a cold start). */
  containers: Map<string, () => Promise<LambdaContainer>>;
  /** The container of the API function (documents, approvals), built from the API's environment. */
  api(): Promise<LambdaContainer>;
  execute(input: TurnInput): Promise<ExecutionOutcome>;
  close(): Promise<void>;
}

export interface ExecutionOutcome {
  result: RunResult;
  /** Task states that finished, in order (caught and retried attempts excluded). */
  path: string[];
  retried: string[];
}

const silent = new Writable({ write: (_c, _e, cb) => cb() });

export function localDeployment(o: {
  shape: SynthesizedShape;
  dataDir: string;
  sfn: StepFunctionsServer;
  tools?: AnyTool[];
  provider?: () => ModelProvider;
  env?: Record<string, string>;
}): LocalDeployment {
  const { shape } = o;
  const containers = new Map<string, () => Promise<LambdaContainer>>();
  const built: LambdaContainer[] = [];
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  for (const [id, templateEnv] of shape.functionEnv) {
    // The template's environment, with the local stand-ins for what AWS provides (the Knowledge
    // Base adapter has its own wire-format tests: test/stores/bedrock-kb-knowledge.test.ts).
    const { LORE_BEDROCK_KB_ID: _kb, LORE_BEDROCK_KB_DATA_SOURCE_ID: _ds, LORE_KNOWLEDGE_BUCKET: _bucket, LORE_KNOWLEDGE_PREFIX: _prefix, ...kept } = templateEnv;
    const env = { ...kept, LORE_DATA_DIR: o.dataDir, LORE_MODEL: 'offline', LORE_STORE: 'sqlite', LORE_KNOWLEDGE: 'dynamodb', LORE_SFN_ENDPOINT: o.sfn.url, AWS_REGION: REGION, ...o.env };
    containers.set(
      id,
      once(async () => {
        const c = await buildContainer(lambdaSettings(env), {
          runtime: { logDestination: silent, traceExporter: 'none', ...(o.tools ? { tools: o.tools } : {}), ...(o.provider ? { provider: o.provider() } : {}) },
          sfn: createStepFunctions({ region: REGION, endpoint: o.sfn.url, credentials }),
          metrics: () => {},
        });
        built.push(c);
        return c;
      }),
    );
  }
  const taskStates = Object.entries(shape.definition.States).filter(([, s]) => s.Type === 'Task');
  const lambdas: Record<string, StepLambda> = {};
  for (const [name, state] of taskStates) {
    const id = taskFunctionId(state);
    const step = shape.functionEnv.get(id)?.LORE_STEP;
    if (!step) throw new Error(`task ${name} invokes ${id}, which has no LORE_STEP`);
    lambdas[name] = createStepLambda(step, containers.get(id)!, () => {});
  }
  const apiId = [...shape.functionEnv].find(([id, env]) => !env.LORE_STEP && /ApiHandler/.test(id))?.[0];
  if (!apiId) throw new Error('no API function in the template');

  const execute = async (input: TurnInput): Promise<ExecutionOutcome> => {
    const local: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, state] of taskStates) {
      const lambda = lambdas[name]!;
      local[name] = String(state.Resource).endsWith('.waitForTaskToken')
        ? async (params) => {
            const payload = (params as { Payload: { taskToken: string } }).Payload;
            // Registered first: the function may complete its own task before it returns.
            const completed = o.sfn.waitForToken(payload.taskToken);
            await lambda(payload);
            return completed;
          }
        : lambda;
    }
    const sm = new StateMachine(structuredClone(shape.definition) as unknown as StateMachineDefinition);
    const execution = sm.run({ input } as never, {
      overrides: { taskResourceLocalHandlers: local as never, retryIntervalOverrides: Object.fromEntries(taskStates.map(([n]) => [n, 0])) },
      context: { Task: { Token: `token-${input.runId}` } } as never,
    });
    return settleExecution(execution, new Set(taskStates.map(([n]) => n)), input);
  };

  return {
    shape,
    containers,
    api: () => containers.get(apiId)!(),
    execute,
    close: async () => {
      for (const c of built.splice(0)) await c.close();
    },
  };
}
