import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';

/**
 * A local server speaking Bedrock Runtime's wire format (restJson1 + AWS event-stream), so provider
 * tests drive the real SDK client end to end: serialisation, signing, event-stream decoding and
 * error parsing all run for real. Scripted per test with a queue of replies; every request is
 * recorded so tests can assert what the adapter actually sent.
 */

export type BedrockOperation = 'converse' | 'converse-stream' | 'invoke';

export interface RecordedBedrockRequest {
  operation: BedrockOperation;
  modelId: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/** One frame of a ConverseStream: an event (`messageStart`, `contentBlockDelta`, …) or an exception. */
export type StreamFrame =
  | { event: string; payload: unknown; delayMs?: number }
  | { exception: string; message: string; delayMs?: number };

export type BedrockReply =
  /** 200 (or `status`) with a JSON body: a Converse output or a Titan InvokeModel body. */
  | { json: unknown; status?: number; delayMs?: number }
  /** An AWS error: `type` is the exception shape name, e.g. `ThrottlingException`. */
  | { error: string; status: number; message?: string }
  /** An event-stream response; `hangAfter` keeps the connection open after the frames (abort tests). */
  | { stream: StreamFrame[]; hangAfter?: boolean }
  /** Accept the request and never answer (timeout / abort tests). */
  | { hang: true };

export interface BedrockServer {
  url: string;
  requests: RecordedBedrockRequest[];
  /** Most requests being answered at once since the last reset (to check client-side concurrency bounds). */
  peakInFlight: number;
  enqueue(...replies: BedrockReply[]): void;
  /** Used when the queue is empty; the default answers 500 so a missing script is loud. */
  fallback: ((req: RecordedBedrockRequest) => BedrockReply) | undefined;
  /** Forget scripted replies, recorded requests and the fallback (call in beforeEach). */
  reset(): void;
  close(): Promise<void>;
}

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);

const str = (value: string) => ({ type: 'string' as const, value });

export function encodeFrame(frame: StreamFrame): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify('event' in frame ? frame.payload : { message: frame.message }));
  if ('event' in frame) {
    return codec.encode({
      headers: { ':event-type': str(frame.event), ':content-type': str('application/json'), ':message-type': str('event') },
      body,
    });
  }
  // Exception frames name the member in camelCase (`throttlingException`), as Bedrock sends them.
  const type = frame.exception.charAt(0).toLowerCase() + frame.exception.slice(1);
  return codec.encode({
    headers: { ':exception-type': str(type), ':content-type': str('application/json'), ':message-type': str('exception') },
    body,
  });
}

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBedrockServer(): Promise<BedrockServer> {
  const queue: BedrockReply[] = [];
  const requests: RecordedBedrockRequest[] = [];
  let inFlight = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  const state: BedrockServer = {
    url: '',
    requests,
    peakInFlight: 0,
    fallback: undefined,
    enqueue: (...replies) => queue.push(...replies),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      state.fallback = undefined;
      state.peakInFlight = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const m = ROUTE.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return sendError(res, 404, 'UnknownOperationException', `no route ${req.method} ${req.url}`);
    const rec: RecordedBedrockRequest = {
      operation: m[2] as BedrockOperation,
      modelId: decodeURIComponent(m[1]!),
      path: req.url!,
      headers: req.headers,
      body: raw ? JSON.parse(raw) : undefined,
    };
    requests.push(rec);
    const reply = queue.shift() ?? state.fallback?.(rec) ?? { error: 'InternalServerException', status: 500, message: 'test server: no reply scripted' };

    if ('hang' in reply) return; // left open; close() destroys it
    if ('error' in reply) return sendError(res, reply.status, reply.error, reply.message ?? reply.error);
    if ('json' in reply) {
      if (reply.delayMs) {
        inFlight++;
        state.peakInFlight = Math.max(state.peakInFlight, inFlight);
        await wait(reply.delayMs).finally(() => inFlight--);
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.json));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'test-request' });
    for (const frame of reply.stream) {
      if (frame.delayMs) await wait(frame.delayMs);
      if (res.destroyed) return;
      res.write(encodeFrame(frame));
    }
    if (!reply.hangAfter) res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  // restJson1 errors: the SDK reads the shape name from x-amzn-errortype (suffix after ':' ignored).
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': 'test-request',
  });
  res.end(JSON.stringify({ message }));
}
