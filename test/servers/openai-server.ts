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
  /** Scripted replies for POST /v1/embeddings; when none is queued the server embeds (see hashEmbedding). */
  enqueueEmbeddings(...replies: OpenAIReply[]): void;
  reset(): void;
  close(): Promise<void>;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A deterministic bag-of-words embedding (feature hashing of lower-cased word stems): texts sharing
 * words get similar vectors. Not a language model; it lets tests and the bench exercise the real
 * embeddings wire format and the vector path with a server that needs no weights.
 */
export function hashEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const stem = word.length > 4 ? word.slice(0, 5) : word;
    let h = 2166136261;
    for (let i = 0; i < stem.length; i++) h = Math.imul(h ^ stem.charCodeAt(i), 16777619);
    v[(h >>> 0) % dimensions]! += (h & 0x10000) === 0 ? 1 : -1;
  }
  return v;
}

export async function startOpenAIServer(opts: { embeddingDimensions?: number } = {}): Promise<OpenAIServer> {
  const queue: OpenAIReply[] = [];
  const embeddingQueue: OpenAIReply[] = [];
  const dims = opts.embeddingDimensions ?? 64;
  const requests: RecordedOpenAIRequest[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'POST' && req.url === '/v1/embeddings') {
      const body = raw ? JSON.parse(raw) : undefined;
      requests.push({ path: req.url, headers: req.headers, body });
      const scripted = embeddingQueue.shift();
      if (scripted && 'hang' in scripted) return;
      if (scripted && 'json' in scripted) {
        res.writeHead(scripted.status ?? 200, { 'content-type': 'application/json', ...scripted.headers });
        res.end(JSON.stringify(scripted.json));
        return;
      }
      const inputs: string[] = Array.isArray(body?.input) ? body.input : [body?.input];
      // Reversed on purpose: clients must place vectors by `index`, not by position.
      const data = inputs.map((t, index) => ({ object: 'embedding', index, embedding: hashEmbedding(String(t), dims) })).reverse();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data, model: body?.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } }));
      return;
    }
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
    enqueueEmbeddings: (...replies) => embeddingQueue.push(...replies),
    reset: () => {
      queue.length = 0;
      embeddingQueue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
