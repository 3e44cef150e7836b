import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config.js';
import { createRuntime } from '../../runtime.js';
import { registerIngest } from './ingest.js';

function program(): Command {
  const p = new Command('lore').option('--data-dir <dir>').option('--model <spec>').option('--tenant <id>').exitOverride();
  registerIngest(p);
  return p;
}

describe('lore ingest', () => {
  let dir: string;
  let docs: string;
  let out: string[];
  const run = (...args: string[]) => program().parseAsync(['node', 'lore', '--data-dir', join(dir, 'data'), '--model', 'offline', 'ingest', ...args]);
  const search = async (query: string) => {
    const rt = createRuntime(loadConfig({}, { dataDir: join(dir, 'data'), logLevel: 'silent' }));
    try {
      return await rt.knowledge.search({ tenantId: rt.config.tenant, query, topK: 5 });
    } finally {
      rt.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lore-ingest-'));
    docs = join(dir, 'docs');
    mkdirSync(join(docs, 'sub'), { recursive: true });
    mkdirSync(join(docs, '.hidden'));
    writeFileSync(join(docs, 'api.md'), '# Internal API\n\nThe internal API rate limit is 100 req/s.\n');
    writeFileSync(join(docs, 'sub', 'deploy.txt'), 'Deploys happen on Thursdays after the change review.\n');
    writeFileSync(join(docs, 'logo.png'), 'not text');
    writeFileSync(join(docs, '.hidden', 'secret.md'), 'The vault password is hunter2.\n');
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads Markdown and text under a directory, skipping other files and hidden folders', async () => {
    await run(docs);
    expect(out.join('\n')).toContain('Ingested 2 file(s) into tenant "default"');
    const [hit] = await search('What is the internal API rate limit?');
    // A file outside the working directory is named by its file:// URL, not a mangled prefix.
    expect(hit).toMatchObject({ sourceUri: pathToFileURL(join(docs, 'api.md')).href, kind: 'document' });
    expect((await search('When do deploys happen?'))[0]?.text).toContain('Thursdays');
    expect(await search('vault password')).toEqual([]);
  });

  it('names a file under the working directory by its relative path, without doubling the prefix', async () => {
    vi.spyOn(process, 'cwd').mockReturnValue(dir);
    await run(docs);
    const rt = createRuntime(loadConfig({}, { dataDir: join(dir, 'data'), logLevel: 'silent' }));
    try {
      const uris = (await rt.knowledge.listDocuments({ tenantId: rt.config.tenant, kind: 'document', limit: 10 })).map((d) => d.sourceUri).sort();
      expect(uris).toEqual(['docs/api.md', 'docs/sub/deploy.txt']);
    } finally {
      rt.close();
    }
    const other = join(dir, 'notes');
    mkdirSync(other);
    writeFileSync(join(other, 'a.md'), 'Notes.\n');
    await run(other);
    expect((await search('Notes'))[0]?.sourceUri).toBe('docs/notes/a.md');
  });

  it('re-ingesting a changed file replaces it rather than adding a second copy', async () => {
    await run(docs);
    writeFileSync(join(docs, 'api.md'), '# Internal API\n\nThe internal API rate limit is 250 req/s.\n');
    await run(join(docs, 'api.md'));
    const hits = await search('internal API rate limit');
    expect(hits.map((h) => h.text).join('\n')).toContain('250 req/s');
    expect(hits.map((h) => h.text).join('\n')).not.toContain('100 req/s');
  });

  it('--chunking paragraphs makes each blank-line-separated block (a transcript turn) its own chunk', async () => {
    const chat = join(dir, 'chat');
    mkdirSync(chat);
    writeFileSync(join(chat, 'session-1.txt'), 'Ann said, "Where did you go hiking?"\n\nBob said, "Up to the lake above the village."\n\nAnn said, "Nice."\n');
    await run(chat, '--chunking', 'paragraphs');
    const hits = await search('lake village');
    expect(hits[0]!.text).toBe('Bob said, "Up to the lake above the village."');
    await expect(run(chat, '--chunking', 'sentences')).rejects.toThrow(/--chunking: expected tokens or paragraphs/);
  });

  it('a missing path or a folder without text files is a usage error', async () => {
    await expect(run(join(dir, 'nope'))).rejects.toThrow(/no such file or directory/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(run(empty)).rejects.toThrow(/no \.md or \.txt files found/);
  });
});
