import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small SQS speaking the AWS JSON 1.0 protocol (`POST /`, `X-Amz-Target: AmazonSQS.<Op>`), so the
 * SQS adapter is tested through the real `@aws-sdk/client-sqs` (serialisation, MD5 body checks,
 * error parsing). It implements what the adapter relies on, honestly: a visibility timeout per
 * receive, `ApproximateReceiveCount`, a receipt handle per delivery (a stale one is refused), delay
 * seconds, and a redrive policy that moves a message to its DLQ on the receive attempt after
 * `maxReceiveCount` deliveries. Its clock is `Date.now() + offset`; `advance(ms)` moves it, so
 * tests step through timeouts without sleeping. Long polling (WaitTimeSeconds) answers at once.
 */

interface Msg {
  id: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  receipt?: string;
}

interface QueueState {
  name: string;
  url: string;
  arn: string;
  visibilityTimeout: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
  messages: Msg[];
}

export interface SqsServer {
  url: string;
  /** Operations received, in order (e.g. to assert the adapter used SendMessage for a move). */
  operations: string[];
  advance(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

class SqsError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const int = (v: unknown, name: string, min: number, max: number, dflt: number): number => {
  if (v === undefined || v === null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new SqsError('InvalidParameterValue', `Value ${String(v)} for parameter ${name} is invalid.`);
  return n;
};

export async function startSqsServer(): Promise<SqsServer> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const queues = new Map<string, QueueState>();
  const operations: string[] = [];
  let base = '';

  const byUrl = (url: unknown): QueueState => {
    const name = typeof url === 'string' ? url.split('/').pop() : undefined;
    const q = name ? queues.get(name) : undefined;
    if (!q) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    return q;
  };
  const byArn = (arn: string) => [...queues.values()].find((q) => q.arn === arn);

  function setAttributes(q: QueueState, attrs: Record<string, string> = {}): void {
    if (attrs.VisibilityTimeout !== undefined) q.visibilityTimeout = int(attrs.VisibilityTimeout, 'VisibilityTimeout', 0, 43200, 30);
    if (attrs.RedrivePolicy !== undefined) {
      let p: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
      try {
        p = JSON.parse(attrs.RedrivePolicy) as typeof p;
      } catch {
        throw new SqsError('InvalidAttributeValue', 'RedrivePolicy is not valid JSON.');
      }
      if (typeof p.deadLetterTargetArn !== 'string' || !byArn(p.deadLetterTargetArn)) throw new SqsError('InvalidAttributeValue', 'Dead-letter target does not exist.');
      q.redrive = { deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: int(p.maxReceiveCount, 'maxReceiveCount', 1, 1000, 10) };
    }
  }

  const ops: Record<string, (b: any) => unknown> = {
    CreateQueue(b) {
      const name = String(b.QueueName ?? '');
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SqsError('InvalidParameterValue', 'Queue name is invalid.');
      let q = queues.get(name);
      if (!q) {
        q = { name, url: `${base}/000000000000/${name}`, arn: `arn:aws:sqs:us-east-1:000000000000:${name}`, visibilityTimeout: 30, messages: [] };
        queues.set(name, q);
      }
      setAttributes(q, b.Attributes);
      return { QueueUrl: q.url };
    },
    GetQueueUrl(b) {
      const q = queues.get(String(b.QueueName));
      if (!q) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
      return { QueueUrl: q.url };
    },
    ListQueues(b) {
      const prefix = typeof b.QueueNamePrefix === 'string' ? b.QueueNamePrefix : '';
      return { QueueUrls: [...queues.values()].filter((q) => q.name.startsWith(prefix)).map((q) => q.url) };
    },
    SetQueueAttributes(b) {
      setAttributes(byUrl(b.QueueUrl), b.Attributes);
      return {};
    },
    GetQueueAttributes(b) {
      const q = byUrl(b.QueueUrl);
      const t = now();
      const live = q.messages;
      const all: Record<string, string> = {
        QueueArn: q.arn,
        VisibilityTimeout: String(q.visibilityTimeout),
        ApproximateNumberOfMessages: String(live.filter((m) => m.visibleAt <= t).length),
        ApproximateNumberOfMessagesNotVisible: String(live.filter((m) => m.visibleAt > t && m.receiveCount > 0).length),
        ApproximateNumberOfMessagesDelayed: String(live.filter((m) => m.visibleAt > t && m.receiveCount === 0).length),
        ...(q.redrive ? { RedrivePolicy: JSON.stringify(q.redrive) } : {}),
      };
      const names: string[] = b.AttributeNames ?? [];
      return { Attributes: names.includes('All') ? all : Object.fromEntries(Object.entries(all).filter(([k]) => names.includes(k))) };
    },
    SendMessage(b) {
      const q = byUrl(b.QueueUrl);
      const body = b.MessageBody;
      if (typeof body !== 'string' || body.length === 0) throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
      if (Buffer.byteLength(body) > 262_144) throw new SqsError('InvalidParameterValue', 'Message must be shorter than 262144 bytes.');
      const delay = int(b.DelaySeconds, 'DelaySeconds', 0, 900, 0);
      const t = now();
      const m: Msg = { id: randomUUID(), body, attributes: b.MessageAttributes ?? {}, sentAt: t, visibleAt: t + delay * 1000, receiveCount: 0 };
      q.messages.push(m);
      return { MessageId: m.id, MD5OfMessageBody: md5(body) };
    },
    ReceiveMessage(b) {
      const q = byUrl(b.QueueUrl);
      const max = int(b.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10, 1);
      const vis = int(b.VisibilityTimeout, 'VisibilityTimeout', 0, 43200, q.visibilityTimeout);
      const t = now();
      const out: Msg[] = [];
      for (const m of [...q.messages]) {
        if (out.length >= max) break;
        if (m.visibleAt > t) continue;
        // The redrive policy acts on the receive attempt after the last allowed delivery.
        if (q.redrive && m.receiveCount >= q.redrive.maxReceiveCount) {
          const dlq = byArn(q.redrive.deadLetterTargetArn);
          if (dlq) {
            q.messages.splice(q.messages.indexOf(m), 1);
            dlq.messages.push({ ...m, visibleAt: t, receipt: undefined });
            continue;
          }
        }
        m.receiveCount++;
        m.firstReceiveAt ??= t;
        m.visibleAt = t + vis * 1000;
        m.receipt = `${m.id}#${m.receiveCount}#${randomBytes(8).toString('hex')}`;
        out.push(m);
      }
      const wantAttrs: string[] = [...(b.MessageSystemAttributeNames ?? []), ...(b.AttributeNames ?? [])];
      const wantAll = wantAttrs.includes('All');
      const wantUser: string[] = b.MessageAttributeNames ?? [];
      return {
        Messages: out.map((m) => {
          const sys: Record<string, string> = { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt), ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt) };
          const attrs = Object.fromEntries(Object.entries(sys).filter(([k]) => wantAll || wantAttrs.includes(k)));
          const user = Object.fromEntries(Object.entries(m.attributes).filter(([k]) => wantUser.includes('All') || wantUser.includes(k)));
          return {
            MessageId: m.id, ReceiptHandle: m.receipt, MD5OfBody: md5(m.body), Body: m.body,
            ...(Object.keys(attrs).length ? { Attributes: attrs } : {}),
            ...(Object.keys(user).length ? { MessageAttributes: user } : {}),
          };
        }),
      };
    },
    DeleteMessage(b) {
      const q = byUrl(b.QueueUrl);
      const i = q.messages.findIndex((m) => m.receipt !== undefined && m.receipt === b.ReceiptHandle);
      if (i < 0) throw new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${String(b.ReceiptHandle)}" is not a valid receipt handle.`);
      q.messages.splice(i, 1);
      return {};
    },
    ChangeMessageVisibility(b) {
      const q = byUrl(b.QueueUrl);
      const m = q.messages.find((x) => x.receipt !== undefined && x.receipt === b.ReceiptHandle);
      if (!m || m.visibleAt <= now()) {
        throw new SqsError('InvalidParameterValue', `Value ${String(b.ReceiptHandle)} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`);
      }
      m.visibleAt = now() + int(b.VisibilityTimeout, 'VisibilityTimeout', 0, 43200, 0) * 1000;
      return {};
    },
    PurgeQueue(b) {
      byUrl(b.QueueUrl).messages = [];
      return {};
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== 'POST' || !ops[op]) throw new SqsError('UnknownOperationException', `Unknown operation ${target}`);
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) throw new SqsError('MissingAuthenticationToken', 'Request is not signed.', 403);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        throw new SqsError('SerializationException', 'Body is not JSON.');
      }
      operations.push(op);
      reply(200, ops[op]!(body));
    } catch (e) {
      const err = e instanceof SqsError ? e : new SqsError('InternalError', String(e), 500);
      reply(err.status, { __type: `com.amazonaws.sqs#${err.type}`, message: err.message });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    operations,
    advance: (ms) => void (offset += ms),
    now,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
