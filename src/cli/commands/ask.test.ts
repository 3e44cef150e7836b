import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/config/project.js';

/** An OpenAI-compatible server that has not pulled the model (Ollama's 404 body). */
let server: Server;
let url: string;
let requests = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model "llama3.1" not found, try pulling it first', type: 'api_error' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('lore ask when the turn fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lore-ask-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the reason on stderr (not only in a log line) and exits 1', { timeout: 60_000 }, async () => {
    const r = await runCli(['--data-dir', dir, '--model', `openai:llama3.1@${url}`, 'ask', 'What is the capital of France?'], dir, { LORE_LOG_LEVEL: 'silent', LORE_MODEL_MAX_RETRIES: '0' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Sorry — /);
    expect(r.stderr.trim()).toBe('lore: the turn failed: MODEL_ERROR: openai: HTTP 404: model "llama3.1" not found, try pulling it first');
    expect(requests).toBeGreaterThan(0);
  });
});
