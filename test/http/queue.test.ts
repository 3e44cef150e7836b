import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerDlq } from '../../src/cli/commands/dlq.js';
import { client, eventually, startStack, type Api, type Stack } from './support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

let storeEnv: Record<string, string> = {};

/** `lore --data-dir <dir> dlq …`, in-process (with the stack's store variables), returning what it printed. */
async function lore(dataDir: string, ...args: string[]): Promise<string> {
  const program = new Command('lore').option('--data-dir <dir>').option('--model <spec>').option('--tenant <id>').exitOverride();
  registerDlq(program);
  const out: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  for (const [k, v] of Object.entries(storeEnv)) vi.stubEnv(k, v);
  try {
    await program.parseAsync(['node', 'lore', '--data-dir', dataDir, ...args]);
  } finally {
    spy.mockRestore();
    vi.unstubAllEnvs();
  }
  return out.join('\n');
}

/**
 * Three messages visible at the same instant (so one receive takes them together, as the chaos
 * test saw), written under the adapter: rows on SQLite; on SQS raw SendMessage calls delayed by the
 * same second, so they turn visible within milliseconds of each other. Their ids, in order.
 */
async function sendRawBatch(s: Stack, bodies: string[]): Promise<string[]> {
  if (s.rt.backend.kind === 'sqlite') {
    const now = Date.now();
    const ids = bodies.map((_, i) => `msg_batch_${i}`);
    const insert = sqliteDb(s.rt).prepare(`INSERT INTO queue_messages (id, queue, body, receive_count, visible_at, created_at, updated_at) VALUES (?, 'chat', ?, 0, ?, ?, ?)`);
    sqliteDb(s.rt).transaction(() => bodies.forEach((b, i) => insert.run(ids[i], b, now, now + i, now)))();
    return ids;
  }
  const { GetQueueUrlCommand, SendMessageCommand, SQSClient } = await import('@aws-sdk/client-sqs');
  const c = new SQSClient({ region: s.rt.config.store.dynamodb.region, endpoint: s.rt.config.store.sqs.endpoint! });
  try {
    await s.queue.depth(); // the queue pair exists
    const { QueueUrl } = await c.send(new GetQueueUrlCommand({ QueueName: `${s.rt.config.store.dynamodb.tablePrefix}chat` }));
    const sent = await Promise.all(bodies.map((MessageBody) => c.send(new SendMessageCommand({ QueueUrl, MessageBody, DelaySeconds: 1 }))));
    return sent.map((r) => r.MessageId!);
  } finally {
    c.destroy();
  }
}

describe('asynchronous turns through the queue', () => {
  let s: Stack;
  let api: Api;
  const resumes = new Map<string, number>();
  beforeAll(async () => {
    s = await startStack({
      config: { 'logLevel': 'silent' },
      // Count deliveries per run as the workers see them.
      wrap: (runner) => ({
        ...runner,
        resume: (runId, o) => {
          resumes.set(runId, (resumes.get(runId) ?? 0) + 1);
          return runner.resume(runId, o);
        },
      }),
      workerOptions: { visibilityTimeoutMs: 500, retryDelayMs: () => 0, pollIntervalMs: 20 },
    });
    api = client(s.url);
    storeEnv = s.storeEnv;
  });
  afterAll(() => s.close());

  it('POST /chat with "async": true answers 202 and the result appears at GET /runs/:id', async () => {
    const r = await api('POST', '/chat', { session_id: 'async-1', message: 'What is 6*7?', async: true });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(`/runs/${r.body.run_id}`);
    expect(r.body).toMatchObject({ session_id: 'async-1', status: 'INITIATED', status_url: `/runs/${r.body.run_id}` });
    const run = await eventually(async () => {
      const got = await api('GET', `/runs/${r.body.run_id}`);
      return got.body.status === 'COMPLETED' && got.body;
    });
    expect(run.result.answer).toMatch(/42/);
    expect(run.trace_id).toBe(r.body.trace_id);
    expect(resumes.get(r.body.run_id)).toBe(1);
    expect(await s.queue.depth()).toEqual({ ready: 0, inFlight: 0, dead: 0 });
  });

  it('a poison message is dead-lettered after exactly 3 receives, and `lore dlq redrive` brings it back', async () => {
    // A job for a run that does not exist (yet): every delivery fails.
    const { id } = await s.queue.send({ body: { kind: 'chat', runId: 'run_poison', tenantId: 'default' } });
    s.workers.notify();
    await eventually(async () => (await s.queue.depth()).dead === 1);
    expect(resumes.get('run_poison')).toBe(3);
    const [dead] = await s.queue.listDead();
    expect(dead).toMatchObject({ id, receiveCount: 3, body: { runId: 'run_poison' } });
    expect(dead!.lastError).toMatch(/NOT_FOUND/);
    expect(await lore(s.dataDir, 'dlq', 'list')).toContain(id);
    expect((await api('GET', '/metrics')).body).toMatch(/lore_dlq_depth\{queue="chat"\} 1/);

    // It stays dead: no more deliveries while it sits in the DLQ.
    await new Promise((r) => setTimeout(r, 200));
    expect(resumes.get('run_poison')).toBe(3);

    // Fix the cause (the run now exists), then redrive: the worker finishes it.
    await s.engine.enqueue({ runId: 'run_poison', tenantId: 'default', sessionId: 'poison', userId: 'local', message: 'What is 2+3?' });
    expect(await lore(s.dataDir, 'dlq', 'redrive', id)).toMatch(/Redrove 1 message/);
    s.workers.notify();
    const run = await eventually(async () => {
      const got = await api('GET', '/runs/run_poison');
      return got.body.status === 'COMPLETED' && got.body;
    });
    expect(run.result.answer).toMatch(/\b5\b/);
    expect(resumes.get('run_poison')).toBe(4);
    expect(await s.queue.depth()).toEqual({ ready: 0, inFlight: 0, dead: 0 });
    expect(await lore(s.dataDir, 'dlq', 'list')).toMatch(/empty/);
  });

  it('one corrupt message in a batch is dead-lettered alone with its error; the healthy turns received with it complete', async () => {
    const runs = ['run_batch_a', 'run_batch_b'];
    for (const runId of runs) await s.engine.enqueue({ runId, tenantId: 'default', sessionId: runId, userId: 'local', message: 'What is 2+3?' });
    const [, bad] = await sendRawBatch(s, [JSON.stringify({ kind: 'chat', runId: runs[0], tenantId: 'default' }), '{not json', JSON.stringify({ kind: 'chat', runId: runs[1], tenantId: 'default' })]);
    s.workers.notify();
    for (const runId of runs) {
      const run = await eventually(async () => {
        const got = await api('GET', `/runs/${runId}`);
        return got.body.status === 'COMPLETED' && got.body;
      });
      expect(run.result.answer).toMatch(/\b5\b/);
      expect(resumes.get(runId)).toBe(1);
    }
    expect(await s.queue.depth()).toEqual({ ready: 0, inFlight: 0, dead: 1 });
    const [dead] = await s.queue.listDead();
    expect(dead).toMatchObject({ id: bad, rawBody: '{not json', receiveCount: 1 });
    expect(dead!.lastError).toMatch(/undecodable message body/);
    const listed = await lore(s.dataDir, 'dlq', 'list');
    expect(listed).toContain(bad);
    expect(listed).toContain('undecodable body "{not json"');
    expect(JSON.parse(await lore(s.dataDir, 'dlq', 'list', '--json'))).toMatchObject([{ id: bad, rawBody: '{not json' }]);
    expect(await lore(s.dataDir, 'dlq', 'redrive', bad!)).toMatch(/Redrove 1 message/);
    s.workers.notify();
    // Back on the queue it is buried again at its first receive, never handed to a worker.
    await eventually(async () => (await s.queue.depth()).dead === 1 && (await s.queue.depth()).ready === 0);
  });
});
