import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { LoreError } from '../../errors.js';
import { withRuntime } from '../context.js';

/** `lore reindex`: embed the chunks that have no vector of the configured embedder (resumable). */
export function registerReindex(program: Command): void {
  program
    .command('reindex')
    .description('Embed every searchable chunk lacking a vector of the configured embedder (memory.embedder); resumable')
    .option('--batch <n>', 'texts per embedding call', '32')
    .option('--all', "re-embed every chunk, also those with a vector of this model (after the model changed)")
    .action(async (opts: { batch: string; all?: boolean }, cmd: Command) => {
      const batch = Number(opts.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 2048) throw new UsageError(`--batch: expected an integer from 1 to 2048, got ${opts.batch}`);
      const { reindexVectors } = await import('../../stores/sqlite/reindex.js');
      await withRuntime(cmd, async (rt) => {
        const embedder = rt.embedder;
        if (!embedder) throw new LoreError('VALIDATION_FAILED', 'no embedder configured: set memory.embedder (LORE_EMBEDDER) to bedrock:<id> or openai:<model>@<baseUrl>');
        const bar = progressBar(process.stderr);
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        try {
          const r = await reindexVectors((await import('../../stores/sqlite/backend.js')).sqliteDb(rt), embedder, { batch, ...(opts.all ? { all: true } : {}), signal: controller.signal, onProgress: bar.update });
          bar.end();
          console.log(`Embedded ${r.embedded} chunk(s) with ${embedder.modelId}; ${r.current} of ${r.chunks} searchable chunks have vectors.`);
        } finally {
          process.off('SIGINT', stop);
        }
      });
    });
}

/** A bar redrawn in place on a terminal; on a pipe or log file, a line at each 10 % step. */
function progressBar(out: NodeJS.WriteStream): { update: (p: { done: number; total: number }) => void; end: () => void } {
  let lastStep = -1;
  let drawn = false;
  return {
    update: ({ done, total }) => {
      const frac = total === 0 ? 1 : done / total;
      if (out.isTTY) {
        const width = 30;
        const full = Math.round(frac * width);
        out.write(`\r[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${done}/${total} chunks`);
        drawn = true;
        return;
      }
      const step = Math.floor(frac * 10);
      if (step !== lastStep) {
        lastStep = step;
        out.write(`reindex: ${done}/${total} chunks\n`);
      }
    },
    end: () => {
      if (drawn) out.write('\n');
    },
  };
}
