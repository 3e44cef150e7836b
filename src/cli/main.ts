#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { exitAfterFlush } from './exit.js';
import { Command, CommanderError } from 'commander';
import { registerApprovals } from './commands/approvals.js';
import { registerAsk } from './commands/ask.js';
import { registerBackup } from './commands/backup.js';
import { registerChat } from './commands/chat.js';
import { registerDemo } from './commands/demo.js';
import { registerDlq } from './commands/dlq.js';
import { registerEval } from './commands/eval.js';
import { registerGdpr } from './commands/gdpr.js';
import { registerMemory } from './commands/memory.js';
import { registerIngest } from './commands/ingest.js';
import { registerInit } from './commands/init.js';
import { registerLearnings } from './commands/learnings.js';
import { registerMcp } from './commands/mcp.js';
import { registerReindex } from './commands/reindex.js';
import { registerReview } from './commands/review.js';
import { registerSearch } from './commands/search.js';
import { registerServe } from './commands/serve.js';
import { registerStats } from './commands/stats.js';
import { registerTools } from './commands/tools.js';
import { reportCliError } from './errors.js';

/** The package version, read from package.json (two levels up from both src/cli and dist/cli). */
export function loreVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('lore')
    .description('Lore — a runtime for self-learning AI agents')
    .version(loreVersion(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces on errors')
    .option('--data-dir <dir>', 'data directory (overrides LORE_DATA_DIR)')
    .option('--model <spec>', 'offline | bedrock:<modelId> | openai:<model>@<baseUrl> (overrides LORE_MODEL)')
    .option('--tenant <id>', 'tenant id (overrides LORE_TENANT)')
    .option('-c, --config <path>', 'agent config file (default: lore.config.{ts,mts,js,mjs,json} in the working directory)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerInit(program);
  registerServe(program);
  registerAsk(program);
  registerChat(program);
  registerTools(program);
  registerApprovals(program);
  registerIngest(program);
  registerLearnings(program);
  registerDemo(program);
  registerEval(program);
  registerReview(program);
  registerStats(program);
  registerDlq(program);
  registerBackup(program);
  registerMcp(program);
  registerGdpr(program);
  registerMemory(program);
  registerSearch(program);
  registerReindex(program);
  return program;
}

export { exitAfterFlush };

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; parse errors were already printed by commander on one line.
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportCliError(e, argv.includes('--debug'));
  }
}

// bin/lore.js imports main() and calls it; `tsx src/cli/main.ts` (npm run lore) runs this file itself.
const invokedDirectly = process.argv[1] && /cli[\\/]main\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv).then(exitAfterFlush);
}
