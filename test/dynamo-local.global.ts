/**
 * vitest globalSetup: one DynamoDB Local for the whole run, started only if a test asks for it.
 * It provides `dynamoLocalBroker`, the URL of a tiny 127.0.0.1 HTTP server: the first test file
 * that calls useDynamoLocal() makes it start DynamoDB Local (test/dynamo-local.ts) and every file
 * gets the same endpoint back. A run without DynamoDB tests starts no JVM; teardown stops the
 * instance by its PID. Test files isolate their data by table-name prefix.
 */
import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal, type DynamoLocal } from './dynamo-local-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoLocalBroker: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let starting: Promise<DynamoLocal> | undefined;
  const server = createServer((req, res) => {
    starting ??= startDynamoLocal();
    starting.then(
      (local) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ endpoint: local.endpoint, port: local.port, pid: local.pid }));
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      },
    );
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  project.provide('dynamoLocalBroker', `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (starting) await (await starting.catch(() => undefined))?.stop();
  };
}
