/**
 * DynamoDB Local for tests. In a test file: `const ddb = useDynamoLocal();`, then inside tests
 * `ddb.local.endpoint` / `region` / `credentials`, and `ddb.prefix()` for a fresh table-name
 * prefix (tests isolate their data by prefix, so they can share one instance).
 *
 * Under `vitest` (vitest.config.ts) one instance serves the whole run: the globalSetup
 * (test/dynamo-local.global.ts) starts it the first time a file asks, and stops it by PID at the
 * end. Without that setup (another runner config), the file starts its own in beforeAll and
 * stops it in afterAll. `startDynamoLocal()` (scripts, benchmarks) is re-exported.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { startDynamoLocal, type DynamoLocal } from './dynamo-local-process.js';

export { startDynamoLocal, type DynamoLocal };

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface DynamoLocalHandle {
  /** The running instance (throws before beforeAll has run). */
  readonly local: DynamoLocal;
  /** A fresh table-name prefix, unique within this instance. */
  prefix(): string;
}

/**
 * The run's shared DynamoDB Local (from the globalSetup broker), or one of its own when there is
 * no broker. `release()` stops it only in the second case. For suites that manage their own
 * hooks (the contract registry's setup/teardown); test files use useDynamoLocal().
 */
export async function acquireDynamoLocal(): Promise<{ local: DynamoLocal; release: () => Promise<void> }> {
  const broker = inject('dynamoLocalBroker') as string | undefined;
  if (broker) {
    const res = await fetch(broker);
    if (!res.ok) throw new Error(`DynamoDB Local did not start: ${await res.text()}`);
    const { endpoint, port, pid } = (await res.json()) as { endpoint: string; port: number; pid: number };
    // Shared: the globalSetup stops it at the end of the run, not this file.
    return { local: { endpoint, port, pid, region: REGION, credentials: CREDENTIALS, stop: async () => {} }, release: async () => {} };
  }
  const local = await startDynamoLocal();
  return { local, release: () => local.stop() };
}

let prefixes = 0;
/** A fresh table-name prefix: unique within the run (files share one instance). */
export const tablePrefix = (): string => `t${++prefixes}_${process.pid}_${Math.random().toString(36).slice(2, 8)}_`;

/** DynamoDB Local for the calling test file: the run's shared instance, or its own. */
export function useDynamoLocal(): DynamoLocalHandle {
  let acquired: Awaited<ReturnType<typeof acquireDynamoLocal>> | undefined;
  beforeAll(async () => {
    acquired = await acquireDynamoLocal();
  }, 120_000);
  afterAll(async () => {
    await acquired?.release();
  });
  return {
    get local() {
      if (!acquired) throw new Error('DynamoDB Local is not started yet (use it inside a test or hook)');
      return acquired.local;
    },
    prefix: tablePrefix,
  };
}
