import type { Command } from 'commander';
import { withRuntime } from '../context.js';

export function registerTools(program: Command): void {
  program
    .command('tools')
    .description('List the tools the agent can call, with their input schemas')
    .option('--json', 'print the toolSpecs exactly as the model receives them')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(cmd, async (rt) => {
        const specs = rt.tools.specs();
        if (opts.json) {
          console.log(JSON.stringify(specs, null, 2));
          return;
        }
        for (const t of rt.tools.list()) {
          const flags = [t.mutating && 'mutating', t.requiresApproval && 'requires approval', t.idempotent && 'idempotent'].filter(Boolean);
          console.log(`${t.name}${flags.length ? `  [${flags.join(', ')}]` : ''}`);
          console.log(`  ${t.description}`);
          const spec = specs.find((s) => s.name === t.name)!;
          console.log(`  input: ${JSON.stringify(spec.inputSchema.json)}`);
        }
      });
    });
}
