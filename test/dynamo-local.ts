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

/** DynamoDB Local for the calling test file: the run's shared instance, or its own. */
export function useDynamoLocal(): DynamoLocalHandle {
  let local: DynamoLocal | undefined;
  let n = 0;
  let own = false;
  beforeAll(async () => {
    const broker = inject('dynamoLocalBroker') as string | undefined;
    if (broker) {
      const res = await fetch(broker);
      if (!res.ok) throw new Error(`DynamoDB Local did not start: ${await res.text()}`);
      const { endpoint, port, pid } = (await res.json()) as { endpoint: string; port: number; pid: number };
      // Shared: the globalSetup stops it at the end of the run, not this file.
      local = { endpoint, port, pid, region: REGION, credentials: CREDENTIALS, stop: async () => {} };
    } else {
      local = await startDynamoLocal();
      own = true;
    }
  }, 120_000);
  afterAll(async () => {
    if (own) await local?.stop();
  });
  return {
    get local() {
      if (!local) throw new Error('DynamoDB Local is not started yet (use it inside a test or hook)');
      return local;
    },
    prefix: () => `t${++n}_${Math.random().toString(36).slice(2, 8)}_`,
  };
}
