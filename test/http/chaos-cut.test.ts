import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';
import { eventually, sqliteOnly, startStack, type Stack } from './support.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The real CLI in a child process, its stdout a pipe (as `lore dlq list --json | jq` reads it). */
function lore(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LORE_LOG_LEVEL: 'silent' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** Send raw bytes, then hang up (FIN) without finishing the body. */
function sendAndHangUp(port: number, data: string): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(data);
      setTimeout(() => s.destroy(), 100);
    });
    s.on('error', () => {});
    s.on('close', () => resolve());
  });
}

describe.skipIf(sqliteOnly)('chaos: bodies cut off mid-way, poison messages of every shape', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.close();
  });

  const metric = async (status: number) => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    const m = new RegExp(`lore_http_requests_total\\{method="POST",route="/chat",status="${status}"\\} (\\d+)`).exec(text);
    return m ? Number(m[1]) : 0;
  };

  it('a chunked body or a Content-Length body cut off by the client is a 499, never a 500; nothing is written', async () => {
    const port = Number(new URL(s.url).port);
    const runsBefore = (sqliteDb(s.rt).prepare('SELECT COUNT(*) AS n FROM workflow_runs').get() as { n: number }).n;
    const head = 'POST /chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';
    await sendAndHangUp(port, `${head}Transfer-Encoding: chunked\r\n\r\n10\r\n{"session_id":"c`);
    await sendAndHangUp(port, `${head}Transfer-Encoding: chunked\r\n\r\n40\r\n{"session_id":"cut","message":"hi"}`);
    await sendAndHangUp(port, `${head}Content-Length: 500\r\n\r\n{"session_id":"cut","message":"hi"`);
    await eventually(async () => (await metric(499)) === 3);
    expect(await metric(500)).toBe(0);
    expect((sqliteDb(s.rt).prepare('SELECT COUNT(*) AS n FROM workflow_runs').get() as { n: number }).n).toBe(runsBefore);
    // The server still answers a whole request.
    const ok = await fetch(`${s.url}/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id: 'after-cut', message: 'What is 2+3?' }) });
    expect(ok.status).toBe(200);
  });

  it('valid JSON of the wrong shape, an unknown kind, a missing run and a 2 MB body: each dead-lettered alone with its error, listed whole through a pipe', { timeout: 60_000 }, async () => {
    const now = Date.now();
    const bodies: Record<string, string> = {
      msg_shape: '{"kind":"chat","runId":5,"tenantId":["x"]}',
      msg_kind: '{"kind":"email","to":"someone"}',
      msg_null: 'null',
      msg_huge: JSON.stringify({ kind: 'chat', runId: 'r'.repeat(2_000_000), tenantId: 'default' }),
      msg_gone: '{"kind":"chat","runId":"run_deleted_long_ago","tenantId":"default"}',
    };
    const insert = sqliteDb(s.rt).prepare(`INSERT INTO queue_messages (id, queue, body, receive_count, visible_at, created_at, updated_at) VALUES (?, 'chat', ?, 0, ?, ?, ?)`);
    for (const [id, body] of Object.entries(bodies)) insert.run(id, body, now, now, now);
    s.workers.notify();
    await eventually(async () => (await s.queue.depth()).dead === 5, 30_000);
    const dead = await s.queue.listDead();
    const byId = new Map(dead.map((d) => [d.id, d]));
    expect(byId.get('msg_shape')!.lastError).toMatch(/not a chat job: runId/);
    expect(byId.get('msg_kind')!.lastError).toMatch(/not a chat job: kind/);
    expect(byId.get('msg_null')!.lastError).toMatch(/expected object/);
    expect(byId.get('msg_huge')!.lastError).toMatch(/runId: Too big/);
    expect(byId.get('msg_gone')!.lastError).toMatch(/NOT_FOUND/);
    for (const id of ['msg_shape', 'msg_kind', 'msg_null', 'msg_huge']) expect(byId.get(id)!.receiveCount).toBe(1);

    // Through a pipe the JSON arrives whole (it used to stop at 64 KiB) and parses.
    const json = await lore(s.dataDir, 'dlq', 'list', '--json');
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.out) as Array<{ id: string; body?: { runId?: string } }>;
    expect(listed.map((d) => d.id).sort()).toEqual(Object.keys(bodies).sort());
    expect(listed.find((d) => d.id === 'msg_huge')!.body!.runId).toHaveLength(2_000_000);
    // The human view stays one short line per message.
    const text = await lore(s.dataDir, 'dlq', 'list');
    const hugeLine = text.out.split('\n').find((l) => l.startsWith('msg_huge'))!;
    expect(hugeLine.length).toBeLessThan(500);
    expect(hugeLine).toMatch(/\(2000047 chars\)/);

    // Redrive one: it is buried again alone, the others stay put.
    expect((await lore(s.dataDir, 'dlq', 'redrive', 'msg_kind')).out).toMatch(/Redrove 1 message/);
    s.workers.notify();
    await eventually(async () => {
      const d = await s.queue.depth();
      return d.dead === 5 && d.ready === 0 && d.inFlight === 0;
    });
  });
});
