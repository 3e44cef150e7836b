import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Server } from './s3-server.js';

/**
 * A small Amazon Bedrock Knowledge Base, speaking the restJson1 wire formats of
 * `bedrock-agent` (StartIngestionJob `PUT …/ingestionjobs/`, GetIngestionJob) and
 * `bedrock-agent-runtime` (Retrieve `POST /knowledgebases/{id}/retrieve`). It behaves as the real
 * service does where the adapter depends on it:
 * - an ingestion job reads the data source's S3 prefix (from the S3 server) as it is when the job
 *   starts, with `<key>.metadata.json` sidecars (`metadataAttributes`), and only when the job
 *   COMPLETEs does Retrieve see that snapshot (deleted objects drop out, new ones appear);
 * - one job at a time per data source: starting another answers 409 ConflictException;
 * - Retrieve scores chunks (cosine of word counts, 0..1), applies `equals`/`in`/`andAll` metadata
 *   filters and returns `numberOfResults` hits with their S3 location and metadata.
 * Jobs complete `jobMs` after they start, unless `hold` is set (then `release()` completes them);
 * with `failNext` set, the next jobs end FAILED instead.
 */
interface KbChunk {
  text: string;
  uri: string;
  metadata: Record<string, unknown>;
}

interface Job {
  id: string;
  kbId: string;
  dsId: string;
  status: 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';
  startedAt: number;
  updatedAt: number;
  snapshot: KbChunk[];
  docs: number;
  fails?: boolean;
}

export interface BedrockKbServer {
  url: string;
  jobs: Job[];
  /** Operations received, in order: 'StartIngestionJob', 'GetIngestionJob', 'Retrieve'. */
  operations: string[];
  /** StartIngestionJob calls refused with ConflictException, per knowledge base. */
  conflicts: Map<string, number>;
  /** Keep started jobs IN_PROGRESS until release(). */
  hold: boolean;
  /** The next this-many jobs end FAILED (their snapshot never reaches Retrieve). */
  failNext: number;
  release(): void;
  close(): Promise<void>;
}

const words = (t: string) => t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [w, n] of a) {
    na += n * n;
    dot += n * (b.get(w) ?? 0);
  }
  for (const n of b.values()) nb += n * n;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
const counts = (t: string) => words(t).reduce((m, w) => m.set(w, (m.get(w) ?? 0) + 1), new Map<string, number>());

function chunk(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    for (let i = 0; i < para.length; i += 600) if (para.slice(i, i + 600).trim()) out.push(para.slice(i, i + 600).trim());
  }
  return out;
}

type Filter = { equals?: { key: string; value: unknown }; in?: { key: string; value: unknown[] }; andAll?: Filter[] };
function matches(f: Filter | undefined, m: Record<string, unknown>): boolean {
  if (!f) return true;
  if (f.equals) return m[f.equals.key] === f.equals.value;
  if (f.in) return f.in.value.includes(m[f.in.key]);
  if (f.andAll) return f.andAll.every((x) => matches(x, m));
  throw new Error('unsupported filter');
}

export async function startBedrockKbServer(o: { s3: S3Server; knowledgeBases: Record<string, Record<string, { bucket: string; prefix: string }>>; jobMs?: number }): Promise<BedrockKbServer> {
  const index = new Map<string, KbChunk[]>(); // `${kbId}/${dsId}` → chunks
  const jobs: Job[] = [];
  const operations: string[] = [];
  const conflicts = new Map<string, number>();
  const jobMs = o.jobMs ?? 30;
  const state = { hold: false, failNext: 0 };

  const complete = (j: Job) => {
    if (j.status === 'COMPLETE' || j.status === 'FAILED') return;
    j.updatedAt = Date.now();
    if (j.fails) {
      j.status = 'FAILED';
      return;
    }
    j.status = 'COMPLETE';
    index.set(`${j.kbId}/${j.dsId}`, j.snapshot);
  };
  const timers = new Set<NodeJS.Timeout>();

  function snapshot(ds: { bucket: string; prefix: string }): { chunks: KbChunk[]; docs: number } {
    const objects = o.s3.buckets.get(ds.bucket) ?? new Map();
    const chunks: KbChunk[] = [];
    let docs = 0;
    for (const [key, obj] of objects) {
      if (!key.startsWith(ds.prefix) || key.endsWith('.metadata.json')) continue;
      docs++;
      const side = objects.get(`${key}.metadata.json`);
      const metadata = side ? ((JSON.parse(side.body.toString('utf8')) as { metadataAttributes?: Record<string, unknown> }).metadataAttributes ?? {}) : {};
      for (const text of chunk(obj.body.toString('utf8'))) chunks.push({ text, uri: `s3://${ds.bucket}/${key}`, metadata });
    }
    return { chunks, docs };
  }

  const jobJson = (j: Job) => ({
    ingestionJob: {
      knowledgeBaseId: j.kbId, dataSourceId: j.dsId, ingestionJobId: j.id, status: j.status,
      startedAt: new Date(j.startedAt).toISOString(), updatedAt: new Date(j.updatedAt).toISOString(),
      statistics: { numberOfDocumentsScanned: j.docs, numberOfNewDocumentsIndexed: j.docs, numberOfModifiedDocumentsIndexed: 0, numberOfDocumentsDeleted: 0, numberOfDocumentsFailed: 0 },
    },
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown, errorType?: string) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      res.end(JSON.stringify(body));
    };
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) return send(403, { message: 'Missing Authentication Token' }, 'AccessDeniedException');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let body: any = {};
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return send(400, { message: 'Malformed JSON' }, 'ValidationException');
    }
    let m = /^\/knowledgebases\/([^/]+)\/datasources\/([^/]+)\/ingestionjobs\/([^/]*)$/.exec(path);
    if (m) {
      const [, kbId, dsId, jobId] = m as unknown as [string, string, string, string];
      const ds = o.knowledgeBases[kbId]?.[dsId];
      if (!ds) return send(404, { message: `Data source ${dsId} of ${kbId} not found` }, 'ResourceNotFoundException');
      if (req.method === 'PUT' && !jobId) {
        operations.push('StartIngestionJob');
        if (jobs.some((j) => j.kbId === kbId && j.dsId === dsId && (j.status === 'STARTING' || j.status === 'IN_PROGRESS'))) {
          conflicts.set(kbId, (conflicts.get(kbId) ?? 0) + 1);
          return send(409, { message: `There is an ongoing ingestion job for data source ${dsId}.` }, 'ConflictException');
        }
        const snap = snapshot(ds);
        const now = Date.now();
        const j: Job = { id: randomUUID().slice(0, 10).toUpperCase(), kbId, dsId, status: 'IN_PROGRESS', startedAt: now, updatedAt: now, snapshot: snap.chunks, docs: snap.docs };
        if (state.failNext > 0) {
          state.failNext--;
          j.fails = true;
        }
        jobs.push(j);
        if (!state.hold) {
          const t = setTimeout(() => (timers.delete(t), complete(j)), jobMs);
          timers.add(t);
        }
        return send(202, { ...jobJson(j), ingestionJob: { ...jobJson(j).ingestionJob, status: 'STARTING' } });
      }
      if (req.method === 'GET' && jobId) {
        operations.push('GetIngestionJob');
        const j = jobs.find((x) => x.id === jobId && x.kbId === kbId && x.dsId === dsId);
        if (!j) return send(404, { message: `Ingestion job ${jobId} not found` }, 'ResourceNotFoundException');
        return send(200, jobJson(j));
      }
    }
    m = /^\/knowledgebases\/([^/]+)\/retrieve$/.exec(path);
    if (m && req.method === 'POST') {
      operations.push('Retrieve');
      const kbId = m[1]!;
      if (!o.knowledgeBases[kbId]) return send(404, { message: `Knowledge base ${kbId} not found` }, 'ResourceNotFoundException');
      const text = body?.retrievalQuery?.text;
      if (typeof text !== 'string' || text.length === 0) return send(400, { message: 'retrievalQuery.text is required' }, 'ValidationException');
      const cfg = body.retrievalConfiguration?.vectorSearchConfiguration ?? {};
      const n = cfg.numberOfResults ?? 5;
      if (!Number.isInteger(n) || n < 1 || n > 100) return send(400, { message: 'numberOfResults must be 1..100' }, 'ValidationException');
      const q = counts(text);
      let filtered: KbChunk[];
      try {
        filtered = Object.keys(o.knowledgeBases[kbId]!).flatMap((ds) => index.get(`${kbId}/${ds}`) ?? []).filter((c) => matches(cfg.filter, c.metadata));
      } catch (e) {
        return send(400, { message: String(e) }, 'ValidationException');
      }
      const scored = filtered.map((c) => ({ c, score: cosine(q, counts(c.text)) })).filter((x) => x.score > 0).sort((a, b) => b.score - a.score).slice(0, n);
      return send(200, {
        retrievalResults: scored.map(({ c, score }) => ({
          content: { type: 'TEXT', text: c.text },
          location: { type: 'S3', s3Location: { uri: c.uri } },
          score,
          metadata: { ...c.metadata, 'x-amz-bedrock-kb-source-uri': c.uri },
        })),
      });
    }
    return send(404, { message: `No route for ${req.method} ${path}` }, 'ResourceNotFoundException');
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    jobs,
    operations,
    conflicts,
    get hold() {
      return state.hold;
    },
    set hold(v: boolean) {
      state.hold = v;
    },
    get failNext() {
      return state.failNext;
    },
    set failNext(v: number) {
      state.failNext = v;
    },
    release() {
      for (const j of jobs) complete(j);
    },
    close: () => {
      for (const t of timers) clearTimeout(t);
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
