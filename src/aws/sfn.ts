import type { SFNClient, SFNClientConfig } from '@aws-sdk/client-sfn';

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
  // The SDK is imported on first use: most invocations (every step but AwaitApproval) never call it.
  let sdk: Promise<{ client: SFNClient; mod: typeof import('@aws-sdk/client-sfn') }> | undefined;
  const load = () =>
    (sdk ??= import('@aws-sdk/client-sfn').then((mod) => ({
      mod,
      client: new mod.SFNClient({ region: o.region, ...(o.endpoint ? { endpoint: o.endpoint } : {}), ...(o.credentials ? { credentials: o.credentials } : {}) }),
    })));
  return {
    async sendTaskSuccess(taskToken, output) {
      const { client, mod } = await load();
      await client.send(new mod.SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    },
    async sendTaskFailure(taskToken, error, cause) {
      const { client, mod } = await load();
      // Step Functions caps error at 256 and cause at 32768 characters.
      await client.send(new mod.SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }));
    },
    async startExecution({ stateMachineArn, name, input }) {
      const { client, mod } = await load();
      const r = await client.send(new mod.StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: r.executionArn! };
    },
  };
}
