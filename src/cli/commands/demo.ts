import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the 3-step learning proof on a fresh data dir; exits 0 only if it held')
    .option('--keep', 'keep the temporary data dir and print its path')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { keep?: boolean; json?: boolean }, cmd: Command) => {
      const [{ loadConfig }, { runLearningDemo }, { openRuntime }, { createAgentService }] = await Promise.all([
        import('../../config.js'),
        import('../../demo/learning-demo.js'),
        import('../../runtime.js'),
        import('../../service.js'),
      ]);
      const g = cmd.optsWithGlobals<GlobalOptions>();
      // Always a fresh data dir, so the proof starts from an empty memory.
      const dataDir = mkdtempSync(join(g.dataDir ?? tmpdir(), 'lore-demo-'));
      const config = loadConfig(process.env, { dataDir, model: g.model, tenant: g.tenant });
      const rt = await openRuntime(config);
      const svc = createAgentService(rt, { evaluate: false });
      try {
        const report = await runLearningDemo(rt, svc, opts.json ? undefined : (l) => console.log(l));
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        if (!report.ok) process.exitCode = 1;
      } finally {
        await svc.close();
        await rt.close();
        if (opts.keep) console.error(`data dir kept: ${dataDir}`);
        else rmSync(dataDir, { recursive: true, force: true });
      }
    });
}
