import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the Step Functions wire protocol (awsJson1_0: POST /, X-Amz-Target
 * `AWSStepFunctions.<Operation>`), so the real @aws-sdk/client-sfn is exercised: SendTaskSuccess,
 * SendTaskFailure and StartExecution. Task completions are handed to whoever waits on the token
 * (the local state machine runner), the way the service resumes a `.waitForTaskToken` task.
 */
export interface RecordedSfnRequest {
  operation: string;
  body: any;
}

export interface StepFunctionsServer {
  url: string;
  requests: RecordedSfnRequest[];
  /** Resolves with SendTaskSuccess's output, rejects with an Error named after SendTaskFailure's error. */
  waitForToken(taskToken: string): Promise<unknown>;
  /** Executions started, by name. */
  executions: Map<string, { stateMachineArn: string; input: unknown }>;
  close(): Promise<void>;
}

export async function startStepFunctionsServer(): Promise<StepFunctionsServer> {
  const requests: RecordedSfnRequest[] = [];
  const waiters = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();
  const closed = new Set<string>();
  const executions = new Map<string, { stateMachineArn: string; input: unknown }>();

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
      const body = raw ? JSON.parse(raw) : {};
      requests.push({ operation, body });
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(json));
      };
      const error = (type: string, message: string) => reply(400, { __type: `com.amazonaws.states#${type}`, message });
      if (operation === 'SendTaskSuccess' || operation === 'SendTaskFailure') {
        const token = String(body.taskToken ?? '');
        const w = waiters.get(token);
        // A token completes once; the service answers TaskTimedOut for a closed or unknown one.
        if (!w || closed.has(token)) return error('TaskTimedOut', 'Task Timed Out');
        closed.add(token);
        waiters.delete(token);
        if (operation === 'SendTaskSuccess') w.resolve(JSON.parse(String(body.output)));
        else {
          const e = new Error(String(body.cause ?? ''));
          e.name = String(body.error ?? 'States.TaskFailed');
          w.reject(e);
        }
        return reply(200, {});
      }
      if (operation === 'StartExecution') {
        const name = String(body.name);
        if (executions.has(name)) return error('ExecutionAlreadyExists', `Execution Already Exists: '${name}'`);
        executions.set(name, { stateMachineArn: String(body.stateMachineArn), input: JSON.parse(String(body.input)) });
        return reply(200, { executionArn: `${String(body.stateMachineArn).replace(':stateMachine:', ':execution:')}:${name}`, startDate: Date.now() / 1000 });
      }
      return error('UnknownOperationException', `unsupported operation ${operation}`);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    executions,
    waitForToken: (taskToken) =>
      new Promise((resolve, reject) => {
        waiters.set(taskToken, { resolve, reject });
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
