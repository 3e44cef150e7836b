import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { withRuntime } from '../context.js';

const TEXT_EXT = new Set(['.md', '.markdown', '.txt', '.text', '.rst']);

/** Every Markdown/text file under the given paths, in a stable order. */
export function collectFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`no such file or directory: ${p}`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.') && name !== 'node_modules') walk(join(p, name));
    } else if (TEXT_EXT.has(extname(p).toLowerCase())) out.push(resolve(p));
  };
  for (const p of paths) walk(p);
  return out;
}

function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) return;
  const width = 24;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label.slice(-40).padEnd(40)}`);
  if (done === total) process.stderr.write('\n');
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Load Markdown and text files into the knowledge base (re-ingesting a file replaces it)')
    .argument('<paths...>', 'files or directories')
    .option('--prefix <uri>', 'source URI prefix for files under the working directory, unless their path already starts with it (others get a file:// URI)', 'docs/')
    .option('--chunking <mode>', 'tokens (fixed windows, default) or paragraphs (one chunk per blank-line-separated block: transcripts, FAQs)', 'tokens')
    .action(async (paths: string[], opts: { prefix: string; chunking: string }, cmd: Command) => {
      if (opts.chunking !== 'tokens' && opts.chunking !== 'paragraphs') throw new UsageError(`--chunking: expected tokens or paragraphs, got ${opts.chunking}`);
      const chunking = opts.chunking;
      const files = collectFiles(paths);
      if (!files.length) throw new UsageError(`no .md or .txt files found in: ${paths.join(', ')}`);
      await withRuntime(cmd, async (rt) => {
        const base = process.cwd();
        let chunks = 0;
        for (const [i, f] of files.entries()) {
          const text = readFileSync(f, 'utf8');
          const rel = relative(base, f).split('\\').join('/');
          // Files under the working directory keep a readable relative URI; others, their file:// URL.
          const outside = rel.startsWith('..') || isAbsolute(rel);
          // `lore ingest docs/` with the default prefix names docs/api.md, not docs/docs/api.md.
          const sourceUri = outside ? pathToFileURL(f).href : rel.startsWith(opts.prefix) ? rel : `${opts.prefix}${rel}`;
          progress(i, files.length, rel);
          if (text.trim()) {
            const { screenKnowledge } = await import('../../guardrails/knowledge.js');
            const screened = await screenKnowledge(rt.guard, { tenantId: rt.config.tenant, text, sourceUri });
            await rt.knowledge.upsertDocument({ tenantId: rt.config.tenant, sourceUri, kind: 'document', text: screened, actor: 'cli:ingest', chunking });
          }
          chunks++;
        }
        progress(files.length, files.length, 'done');
        console.log(`Ingested ${chunks} file(s) into tenant "${rt.config.tenant}".`);
      });
    });
}
