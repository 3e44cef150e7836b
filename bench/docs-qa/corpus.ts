/**
 * The second retrieval set (issue 18): Markdown documentation shipped inside npm packages of this
 * repository's dependency tree (node_modules), with the hand-written questions of questions.json.
 * The files are read where npm installed them; each package's version is reported so a run says
 * which text it measured. Units are the store's own chunks (chunkText, 128 tokens, no overlap):
 * small enough that a question has few right answers among ~1,000 units.
 */
import { readFileSync } from 'node:fs';
import { chunkText } from '../../src/memory/chunker.js';
import { chunkTitles } from '../../src/memory/lexical/titles.js';

export const DOC_FILES = [
  'commander/Readme.md', 'semver/README.md', 'yaml/README.md', 'zod/README.md', 'better-sqlite3/README.md',
  'fast-check/README.md', 'jose/README.md', 'autocannon/README.md', 'uuid/README.md', 'send/README.md',
  'router/HISTORY.md', 'type-is/HISTORY.md', 'sonic-boom/README.md', 'safe-stable-stringify/readme.md',
  'tar-stream/README.md', 'yargs-parser/README.md',
  ...['api', 'asynchronous', 'benchmarks', 'browser', 'bundling', 'child-loggers', 'diagnostics', 'ecosystem', 'help',
    'lts', 'pretty', 'redaction', 'transports', 'web'].map((f) => `pino/docs/${f}.md`),
];
export const CHUNK_TOKENS = 128;

export interface DocUnit {
  /** `file#index`, unique. */
  id: string;
  file: string;
  index: number;
  text: string;
  /** The file's path and the nearest Markdown heading above the chunk (field weighting; as the store). */
  title: string;
}

export interface DocQuestion {
  id: number;
  type: 'fact' | 'multi' | 'temporal';
  question: string;
  relevant: Array<{ file: string; text: string }>;
}

const modules = new URL('../../node_modules/', import.meta.url);

export function loadDocs(): { files: Array<{ file: string; version: string; text: string }>; units: DocUnit[] } {
  const files = DOC_FILES.map((file) => {
    const pkg = file.split('/')[0]!;
    const version = (JSON.parse(readFileSync(new URL(`${pkg}/package.json`, modules), 'utf8')) as { version: string }).version;
    return { file, version, text: readFileSync(new URL(file, modules), 'utf8') };
  });
  const units: DocUnit[] = [];
  for (const f of files) {
    const chunks = chunkText(f.text, { chunkTokens: CHUNK_TOKENS, overlap: 0 });
    const titles = chunkTitles(f.file, f.text, chunks);
    chunks.forEach((c, index) => units.push({ id: `${f.file}#${index}`, file: f.file, index, text: c.text, title: titles[index]! }));
  }
  return { files, units };
}

export function loadQuestions(): DocQuestion[] {
  return (JSON.parse(readFileSync(new URL('./questions.json', import.meta.url), 'utf8')) as { questions: DocQuestion[] }).questions;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** For each of the question's passages, the units that hold it. */
export function relevantUnits(q: DocQuestion, units: DocUnit[]): string[][] {
  return q.relevant.map((r) => units.filter((u) => u.file === r.file && norm(u.text).includes(norm(r.text))).map((u) => u.id));
}

/** Fractional recall@k: the share of the question's passages with a unit in the top k. */
export function recall(passages: string[][], ranked: string[], k: number): number {
  const top = new Set(ranked.slice(0, k));
  return passages.filter((ids) => ids.some((id) => top.has(id))).length / passages.length;
}
