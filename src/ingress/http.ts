import type { Context } from 'hono';
import type { z } from 'zod';
import { httpStatusFor, isLoreError, LoreError } from '../errors.js';
import { asStorageError } from '../storage-faults.js';
import type { Principal } from './auth.js';
import { Id } from './schemas.js';

/** Per-request values set by the middleware in app.ts. */
export type Env = { Variables: { principal: Principal; requestId: string; traceId: string } };
export type Ctx = Context<Env>;

export function zodDetails(error: z.ZodError): Array<{ path: string; code: string; message: string }> {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), code: i.code, message: i.message }));
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new LoreError('VALIDATION_FAILED', `invalid ${what}`, { details: zodDetails(r.error) });
  return r.data;
}

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * Read and validate a JSON body, enforcing the size limit while reading (Content-Length can be
 * absent or lie), so a 1 GB upload costs at most `limit` bytes of memory. JSON content type is
 * required: it forces browsers into a CORS preflight we never answer, so a web page cannot drive
 * a local, auth-less server with a plain form post.
 */
export async function readJson<S extends z.ZodType>(c: Ctx, schema: S, limit: number): Promise<z.output<S>> {
  const type = c.req.header('content-type');
  if (!type || !JSON_TYPE.test(type)) throw new LoreError('VALIDATION_FAILED', 'Content-Type must be application/json');
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  // With a declared length the HTTP parser already bounds the body, and arrayBuffer() takes the
  // node-server fast path (no web ReadableStream); a chunked body is counted as it streams in.
  const bytes = await bodyOrAborted(declared !== undefined ? c.req.arrayBuffer().then((b) => new Uint8Array(b)) : readCapped(c.req.raw.body, limit));
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new LoreError('VALIDATION_FAILED', 'the body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LoreError('VALIDATION_FAILED', 'the body is not valid JSON', { details: { parser: (e as Error).message.slice(0, 200) } });
  }
  return validate(schema, value, 'request body');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A client that hangs up mid-body (a chunked upload cut off, a Content-Length never reached) is not
 * a server fault: answer 499 ABORTED instead of letting the socket error surface as a logged 500
 * that pages an operator and counts against the 5xx rate.
 */
async function bodyOrAborted(read: Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    return await read;
  } catch (e) {
    if (isLoreError(e)) throw e;
    throw new LoreError('ABORTED', 'the client closed the connection before the request body was complete', { cause: e });
  }
}

/** The whole body, refusing (413) as soon as more than `limit` bytes arrived. */
export async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!body) throw new LoreError('VALIDATION_FAILED', 'a JSON body is required');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

const tooLarge = (limit: number) => new LoreError('PAYLOAD_TOO_LARGE', `the body exceeds ${limit} bytes`, { details: { limit_bytes: limit } });

export function readQuery<S extends z.ZodType>(c: Ctx, schema: S): z.output<S> {
  const url = new URL(c.req.url);
  const q: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in q) throw new LoreError('VALIDATION_FAILED', `query parameter "${k}" is given twice`);
    q[k] = v;
  }
  return validate(schema, q, 'query');
}

/** A path id that cannot name anything we store is simply not found. */
export function pathId(c: Ctx, name: string, what: string): string {
  const v = c.req.param(name) ?? '';
  if (!Id.safeParse(v).success) throw new LoreError('NOT_FOUND', `${what} not found`);
  return v;
}

export const notFound = (what: string, id: string) => new LoreError('NOT_FOUND', `${what} ${id} not found`);

/**
 * Any error → `{error: {code, message, details}}` with the status its code maps to; a storage
 * fault anywhere in its cause chain → 503 STORAGE_UNAVAILABLE with Retry-After. Unknown
 * errors become a bare 500 INTERNAL: their messages and stacks may name files, SQL or secrets.
 */
export function errorResponse(raw: unknown): { status: number; body: { error: { code: string; message: string; details?: unknown } }; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  // A full disk, an I/O error or a read-only database is named and temporary, never an opaque 500.
  const err = asStorageError(raw) ?? raw;
  if (isLoreError(err) && err.code !== 'INTERNAL') {
    const status = httpStatusFor[err.code] ?? 500;
    if (err.code === 'UNAUTHORIZED') {
      const reason = (err.details as { reason?: string } | undefined)?.reason;
      headers['www-authenticate'] = reason === 'missing_token' ? 'Bearer' : 'Bearer error="invalid_token"';
    }
    const retry = (err.details as { retry_after_seconds?: number } | undefined)?.retry_after_seconds;
    if ((err.code === 'RATE_LIMITED' || err.code === 'STORAGE_UNAVAILABLE') && retry) headers['retry-after'] = String(retry);
    // The rest of an oversized body is never read and the socket is dropped: say so, or a
    // keep-alive client sends its next request down the dead connection ("socket hang up").
    if (err.code === 'PAYLOAD_TOO_LARGE') headers.connection = 'close';
    return { status, body: { error: err.toJSON() }, headers };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } }, headers };
}
