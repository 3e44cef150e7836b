import { Stack } from 'aws-cdk-lib';
import { toAsl, type AslStateMachine } from '../../src/workflow/asl.js';
import { turnWorkflow } from '../../src/workflow/definition.js';

/** A prefix no real ARN has, replaced state by state with the function's ARN token. */
export const ARN_MARK = 'lore-fn-arn:';

/**
 * The state machine definition IS toAsl()'s output: compiled with a marker prefix, then every
 * `<marker><State>` string (a Task's Resource, or AwaitApproval's Parameters.FunctionName) is
 * replaced by that state's Lambda ARN. Nothing else is touched, so Retry/Catch, Choices,
 * ResultPaths and the waitForTaskToken task are exactly what the local engine interprets.
 */
export function aslWithArns(arnFor: (state: string) => string, opts: { approvalTimeoutSeconds: number; taskTimeoutSeconds: number }): AslStateMachine {
  const asl = toAsl(turnWorkflow, { resourcePrefix: ARN_MARK, approvalTimeoutSeconds: opts.approvalTimeoutSeconds, taskTimeoutSeconds: opts.taskTimeoutSeconds });
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string') return v.startsWith(ARN_MARK) ? arnFor(v.slice(ARN_MARK.length)) : v;
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return swap(asl) as AslStateMachine;
}

/** The definition as a CloudFormation string (ARN tokens become Fn::Join / Fn::GetAtt). */
export function definitionString(stack: Stack, asl: AslStateMachine): string {
  return stack.toJsonString(asl);
}

export const taskStates = (): string[] => Object.entries(turnWorkflow.states).filter(([, s]) => s.type === 'task').map(([n]) => n);
