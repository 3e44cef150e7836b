import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../dynamo-local.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ddb = useDynamoLocal();

/** Run the CLI as a child process with these environment variables; resolve with its exit code and output. */
function lore(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('LORE_STORE=dynamodb end to end (DynamoDB Local)', () => {
  it('runs the learning demo with every store on DynamoDB', async () => {
    const { endpoint, region, credentials } = ddb.local;
    const prefix = ddb.prefix();
    const { code, out } = await lore(['demo'], {
      LORE_STORE: 'dynamodb',
      LORE_DYNAMODB_ENDPOINT: endpoint,
      LORE_DYNAMODB_TABLE_PREFIX: prefix,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      LORE_LOG_LEVEL: 'error',
    });
    expect(out).toMatch(/PASS: 6\/6 checks held/);
    expect(code).toBe(0);

    // The runs, turns and the learning are in the DynamoDB tables, not in a SQLite file.
    const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({ endpoint, region, credentials });
    const count = async (table: string) => (await client.send(new ScanCommand({ TableName: `${prefix}${table}`, Select: 'COUNT' }))).Count ?? 0;
    expect(await count('runs')).toBeGreaterThanOrEqual(3);
    expect(await count('sessions')).toBeGreaterThanOrEqual(4);
    expect(await count('knowledge')).toBeGreaterThan(0);
    client.destroy();
  }, 180_000);
});
