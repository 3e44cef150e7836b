import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { loreFunction } from './lambda.js';
import type { DeploySettings } from './settings.js';
import { aslWithArns, definitionString, taskStates } from './state-machine-definition.js';

/** A step's own deadline; Reason (model + tools, several iterations) gets the most. */
export const TASK_TIMEOUT_SECONDS = 300;

/**
 * The turn workflow on Step Functions: one Lambda per Task state (same bundle, LORE_STEP picks the
 * step) and a STANDARD state machine whose definition is toAsl()'s output with those ARNs in it.
 * STANDARD because AwaitApproval waits for a person (`.waitForTaskToken`, up to a day by default);
 * EXPRESS executions end after 5 minutes and do not support waitForTaskToken.
 */
export class LoreWorkflow extends Construct {
  readonly steps: Record<string, NodejsFunction> = {};
  readonly stateMachine: StateMachine;
  /**
   * Built from the fixed name, not the resource: AwaitApproval's role must name the machine that
   * invokes AwaitApproval, and a reference both ways would be a dependency cycle.
   */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, p: { settings: DeploySettings; environment: Record<string, string> }) {
    super(scope, id);
    for (const state of taskStates()) {
      this.steps[state] = loreFunction(this, `Step${state}`, {
        entry: 'src/aws/handlers/step.ts',
        environment: { ...p.environment, LORE_STEP: state },
        // A little longer than the state's TimeoutSeconds, so Step Functions times the task out first.
        timeout: Duration.seconds(TASK_TIMEOUT_SECONDS + 10),
        logRetentionDays: p.settings.logRetentionDays,
      });
    }
    const asl = aslWithArns((state) => this.steps[state]!.functionArn, { approvalTimeoutSeconds: p.settings.approvalTimeoutSeconds, taskTimeoutSeconds: TASK_TIMEOUT_SECONDS });
    const logs = new LogGroup(this, 'ExecutionLogs', { retention: p.settings.logRetentionDays as RetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    const stack = Stack.of(this);
    const stateMachineName = `${stack.stackName}-turn`;
    this.stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.stateMachine = new StateMachine(this, 'TurnStateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definitionString(Stack.of(this), asl)),
      tracingEnabled: true,
      // Execution data holds user messages: state transitions are logged, their payloads are not.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.days(7),
    });
    for (const fn of Object.values(this.steps)) fn.grantInvoke(this.stateMachine);
    // AwaitApproval completes its own task when every call was already decided.
    this.steps.AwaitApproval!.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [this.stateMachineArn] }));
  }
}
