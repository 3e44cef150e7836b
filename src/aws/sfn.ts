import { SFNClient, type SFNClientConfig, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';

/**
 * What the Lambda side needs from Step Functions: complete a `.waitForTaskToken` task (the approval
 * decision path) and start an execution (queued turns). A port so the handlers stay testable
 * against a local server speaking the Step Functions wire format.
 */
export interface StepFunctionsPort {
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  /** `error` is the ErrorCode, matched by the state's Catch like a Lambda's errorType. */
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
  startExecution(p: { stateMachineArn: string; name: string; input: unknown }): Promise<{ executionArn: string }>;
}

export function createStepFunctions(o: { region: string; endpoint?: string; credentials?: SFNClientConfig['credentials'] }): StepFunctionsPort {
  const client = new SFNClient({ region: o.region, ...(o.endpoint ? { endpoint: o.endpoint } : {}), ...(o.credentials ? { credentials: o.credentials } : {}) });
  return {
    async sendTaskSuccess(taskToken, output) {
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    },
    async sendTaskFailure(taskToken, error, cause) {
      // Step Functions caps error at 256 and cause at 32768 characters.
      await client.send(new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }));
    },
    async startExecution({ stateMachineArn, name, input }) {
      const r = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: r.executionArn! };
    },
  };
}
