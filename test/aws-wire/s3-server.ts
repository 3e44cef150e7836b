import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small S3 (path-style REST: `PUT|GET|DELETE /<bucket>/<key>`) for the Bedrock KB adapter's
 * document writes, driven through the real `@aws-sdk/client-s3`. It stores object bytes and their
 * content type per bucket, answers S3's XML errors (NoSuchBucket, NoSuchKey), requires a SigV4
 * Authorization header, verifies a `Content-MD5` or `x-amz-checksum-crc32` it is sent, and decodes
 * `aws-chunked` bodies (the SDK's streaming uploads). Buckets exist when listed at start.
 */
export interface S3Object {
  body: Buffer;
  contentType?: string;
  lastModified: number;
}

export interface S3Server {
  url: string;
  /** bucket → key → object; the Bedrock KB server reads its data source from here. */
  buckets: Map<string, Map<string, S3Object>>;
  requests: Array<{ method: string; bucket: string; key: string }>;
  close(): Promise<void>;
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

/** aws-chunked: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailers>\r\n\r\n`. */
function decodeChunked(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) throw new Error('bad aws-chunked body');
    const size = parseInt(buf.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw new Error('bad aws-chunked size');
    if (size === 0) return Buffer.concat(out);
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

export async function startS3Server(buckets: string[]): Promise<S3Server> {
  const store = new Map(buckets.map((b) => [b, new Map<string, S3Object>()]));
  const requests: S3Server['requests'] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) return xmlError(res, 403, 'AccessDenied', 'Missing SigV4 authorization');
    const objects = store.get(bucket);
    if (!objects) return xmlError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (!key) return xmlError(res, 400, 'InvalidRequest', 'Bucket operations are not supported by this server');
    requests.push({ method: req.method ?? '', bucket, key });
    if (req.method === 'PUT') {
      if (String(req.headers['content-encoding'] ?? '').includes('aws-chunked') || String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')) body = decodeChunked(body);
      const md5 = req.headers['content-md5'];
      if (md5 && createHash('md5').update(body).digest('base64') !== md5) return xmlError(res, 400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
      const crc = req.headers['x-amz-checksum-crc32'];
      if (typeof crc === 'string') {
        const mine = Buffer.alloc(4);
        mine.writeUInt32BE(crc32(body));
        if (mine.toString('base64') !== crc) return xmlError(res, 400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
      }
      objects.set(key, { body, contentType: req.headers['content-type'], lastModified: Date.now() });
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      return void res.end();
    }
    if (req.method === 'GET') {
      const o = objects.get(key);
      if (!o) return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      res.writeHead(200, { 'content-type': o.contentType ?? 'application/octet-stream', 'content-length': o.body.length });
      return void res.end(o.body);
    }
    if (req.method === 'DELETE') {
      // S3 answers 204 whether or not the key existed.
      objects.delete(key);
      res.writeHead(204);
      return void res.end();
    }
    return xmlError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }

  const server = createServer((req, res) => void handle(req, res).catch((e: unknown) => xmlError(res, 400, 'InvalidRequest', String(e))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    buckets: store,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
