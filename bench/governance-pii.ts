/**
 * PII benchmark: real turns over the PII corpus through the HTTP API (sync, async through the
 * queue, streaming over SSE, learnings, feedback comments, ingest), then a byte search of the
 * SQLite file (and its -wal) and of every log line for each PII string. Benign look-alikes and
 * corrections go through the same path to measure how often ordinary messages are blocked or
 * redacted by mistake.
 *
 *   npx tsx bench/governance-pii.ts [--limit N] [--file held-out.yaml]
 *
 * `--file` reads another corpus (YAML: `cases: [{kind, text, pii}]`, `benign: [text]`), e.g. a
 * held-out set written after the detectors were tuned; its benign look-alikes replace the built-in ones.
 *
 * `runPiiBenchmark` is exported for the governance bench and the bounded test.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../src/config.js';
import { BENIGN_MESSAGES } from '../src/guardrails/corpus/injection.js';
import { PII_BENIGN, PII_CASES, type PiiCase } from '../src/guardrails/corpus/pii.js';
import { canonicalText } from '../src/guardrails/normalize.js';
import { SqliteFeedbackStore } from '../src/stores/sqlite/feedback-store.js';
import { CHAT_QUEUE, type ChatJob } from '../src/jobs/queue.js';
import { startServer } from '../src/ingress/server.js';
import { chatJobHandler, createWorkerPool } from '../src/ingress/worker.js';
import { createRuntime } from '../src/runtime.js';
import { createAgentService } from '../src/service.js';
import { SqliteQueue } from '../src/stores/sqlite/queue.js';
import { sqliteDb } from '../src/stores/sqlite/backend.js';

export interface PiiBenchResult {
  piiStrings: number;
  foundInDb: string[];
  foundInLogs: string[];
  /** PII strings a client saw in an answer or a streamed delta. */
  foundInAnswers: string[];
  turns: number;
  benign: number;
  benignFlagged: string[];
  benignFalsePositiveRate: number;
}

export interface PiiBenchOptions {
  cases?: PiiCase[];
  benign?: string[];
}

type Mode = 'sync' | 'async' | 'stream' | 'learning' | 'feedback' | 'ingest';
const MODES: Mode[] = ['sync', 'async', 'stream', 'learning', 'feedback', 'ingest'];

async function json(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

export async function runPiiBenchmark(opts: PiiBenchOptions = {}): Promise<PiiBenchResult> {
  const cases = opts.cases ?? PII_CASES;
  const benign = opts.benign ?? [...PII_BENIGN, ...BENIGN_MESSAGES];
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-pii-bench-'));
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (logs.push(String(chunk)), cb()) });
  const config = loadConfig({}, { dataDir, logLevel: 'debug', 'server.rateLimitPerMinute': 1_000_000 });
  const rt = createRuntime(config, { logDestination: sink });
  const svc = createAgentService(rt, { evaluate: true });
  const queue = new SqliteQueue<ChatJob>(sqliteDb(rt), { name: CHAT_QUEUE });
  const workers = createWorkerPool({ queue, handle: chatJobHandler(svc), concurrency: 2, pollIntervalMs: 20, logger: rt.logger });
  const server = await startServer(
    { config, runner: svc, sessions: rt.sessions, knowledge: rt.knowledge, guard: rt.guard, feedback: new SqliteFeedbackStore(sqliteDb(rt)), queue, workers, metrics: rt.metrics, logger: rt.logger },
    { host: '127.0.0.1', port: 0, stopRuns: () => svc.engine.close() },
  );
  const seen: string[] = [];
  let turns = 0;
  try {
    for (const [i, c] of cases.entries()) {
      const mode = MODES[i % MODES.length]!;
      const session = `pii-${i}`;
      const chat = (message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
        json(`${server.url}/chat`, 'POST', { message, session_id: session, ...extra }, headers);
      if (mode === 'sync' || mode === 'feedback') {
        const r = await chat(c.text);
        turns++;
        seen.push(r.text);
        if (mode === 'feedback' && r.body?.run_id) await json(`${server.url}/feedback`, 'POST', { run_id: r.body.run_id, rating: 'down', comment: `About this: ${c.text}` });
      } else if (mode === 'learning') {
        const r = await chat(`Update: ${c.text}`);
        turns++;
        seen.push(r.text);
      } else if (mode === 'stream') {
        const r = await chat(`Note: ${c.text}`, {}, { accept: 'text/event-stream' });
        turns++;
        seen.push(r.text);
      } else if (mode === 'async') {
        const r = await chat(c.text, { async: true });
        turns++;
        for (let k = 0; k < 400; k++) {
          const s = await json(`${server.url}/runs/${r.body.run_id}`, 'GET');
          if (['COMPLETED', 'FAILED'].includes(s.body?.status)) {
            seen.push(s.text);
            break;
          }
          await new Promise((res) => setTimeout(res, 10));
        }
      } else {
        await json(`${server.url}/ingest`, 'POST', { documents: [{ source_uri: `docs/pii-${i}.md`, text: `# Contact sheet\n\n${c.text}\n` }] });
        const r = await chat(`What does the contact sheet say? ${c.text.split(' ').slice(0, 3).join(' ')}`);
        turns++;
        seen.push(r.text);
      }
    }

    const benignFlagged: string[] = [];
    for (const [i, b] of benign.entries()) {
      const r = await json(`${server.url}/chat`, 'POST', { message: b, session_id: `benign-${i}` });
      turns++;
      const guard = r.body?.guard?.input;
      if (guard && (guard.action === 'block' || guard.action === 'redact')) benignFlagged.push(b);
    }
    // Bytes on disk while the database is still open (WAL not yet checkpointed) and after close.
    const files = () => [join(dataDir, 'lore.db'), join(dataDir, 'lore.db-wal')].filter(existsSync).map((f) => readFileSync(f));
    const openBytes = files();
    await server.close();
    await svc.close();
    rt.close();
    const disk = [...openBytes, ...files()];
    const logText = logs.join('');
    const answers = seen.join('\n');

    const strings = [...new Set(cases.flatMap((c) => c.pii.flatMap((p) => [p, canonicalText(p)])))];
    const inDb = strings.filter((s) => disk.some((b) => b.includes(Buffer.from(s, 'utf8'))));
    return {
      piiStrings: new Set(cases.flatMap((c) => c.pii)).size,
      foundInDb: inDb,
      foundInLogs: strings.filter((s) => logText.includes(s) || logText.includes(JSON.stringify(s).slice(1, -1))),
      foundInAnswers: strings.filter((s) => answers.includes(s) || answers.includes(JSON.stringify(s).slice(1, -1))),
      turns,
      benign: benign.length,
      benignFlagged,
      benignFalsePositiveRate: benign.length ? benignFlagged.length / benign.length : 0,
    };
  } finally {
    await server.close().catch(() => {});
    await svc.close().catch(() => {});
    try {
      rt.close();
    } catch {
      // already closed
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { limit: { type: 'string' }, file: { type: 'string' } } });
  const limit = values.limit ? Number(values.limit) : undefined;
  const file = values.file ? (parseYaml(readFileSync(values.file, 'utf8')) as { cases: PiiCase[]; benign?: string[] }) : undefined;
  const all = file?.cases ?? PII_CASES;
  const cases = limit ? all.slice(0, limit) : all;
  const r = await runPiiBenchmark({ cases, ...(file?.benign ? { benign: file.benign } : {}) });
  const rows: Array<[string, string]> = [
    ['PII statements (turns over sync/async/stream/learning/feedback/ingest)', String(cases.length)],
    ['PII strings in corpus', String(r.piiStrings)],
    ['found in DB file (+ -wal)', String(r.foundInDb.length)],
    ['found in logs', String(r.foundInLogs.length)],
    ['found in answers / streams', String(r.foundInAnswers.length)],
    ['benign messages', String(r.benign)],
    ['benign blocked or redacted', `${r.benignFlagged.length} (${(r.benignFalsePositiveRate * 100).toFixed(1)} %)`],
    ['turns run', String(r.turns)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  for (const s of r.foundInDb) console.log(`  in DB: ${s}`);
  for (const s of r.foundInLogs) console.log(`  in logs: ${s}`);
  for (const s of r.foundInAnswers) console.log(`  in answers: ${s}`);
  for (const s of r.benignFlagged) console.log(`  benign flagged: ${s}`);
  if (r.foundInDb.length) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
