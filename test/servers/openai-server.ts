import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the OpenAI chat-completions wire format (JSON and SSE), so the adapter
 * runs its real fetch, HTTP status handling and SSE parsing. Scripted per test with a queue of
 * replies; requests are recorded so tests can assert exactly what was sent.
 */

export interface RecordedOpenAIRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export type OpenAIReply =
  /** A JSON body with `status` (default 200): a chat completion or an error object. */
  | { json: unknown; status?: number; headers?: Record<string, string> }
  /**
   * An SSE response: each chunk is sent as `data: <json>\n\n`; strings are sent verbatim (to test
   * comments, split frames, CRLF). `[DONE]` is appended unless `done: false`.
   */
  | { sse: Array<unknown>; done?: boolean; delayMs?: number; hangAfter?: boolean }
  /** Accept the request and never answer (timeout / abort tests). */
  | { hang: true };

export interface OpenAIServer {
  url: string;
  requests: RecordedOpenAIRequest[];
  enqueue(...replies: OpenAIReply[]): void;
  reset(): void;
  close(): Promise<void>;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startOpenAIServer(): Promise<OpenAIServer> {
  const queue: OpenAIReply[] = [];
  const requests: RecordedOpenAIRequest[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } }));
      return;
    }
    requests.push({ path: req.url, headers: req.headers, body: raw ? JSON.parse(raw) : undefined });
    const reply = queue.shift() ?? { json: { error: { message: 'test server: no reply scripted' } }, status: 500 };

    if ('hang' in reply) return;
    if ('json' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.json));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const chunk of reply.sse) {
      if (reply.delayMs) await wait(reply.delayMs);
      if (res.destroyed) return;
      res.write(typeof chunk === 'string' ? chunk : `data: ${JSON.stringify(chunk)}\n\n`);
    }
    if (reply.hangAfter) return;
    if (reply.done !== false) res.write('data: [DONE]\n\n');
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
