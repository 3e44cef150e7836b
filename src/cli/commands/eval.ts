import type { Command } from 'commander';
import type { ScenarioOutcome } from '../../eval/runner.js';
import type { GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Run scenario evaluations (YAML/JSON) and print a table; exits 1 under the pass-rate threshold')
    .argument('<paths...>', 'scenario files or directories')
    .option('--min-pass-rate <rate>', 'required fraction of scenarios passing (0..1)', '1')
    .option('--json', 'print the outcomes as JSON')
    .action(async (paths: string[], opts: { minPassRate: string; json?: boolean }, cmd: Command) => {
      const [{ loadScenarios, scenarioFiles }, { missedThresholds, renderEvalTable }, { runScenario }, { createAgentService }] = await Promise.all([
        import('../../eval/load.js'),
        import('../../eval/report.js'),
        import('../../eval/runner.js'),
        import('../../service.js'),
      ]);
      const min = Number(opts.minPassRate);
      if (!(min >= 0 && min <= 1)) throw new UsageError('--min-pass-rate must be a number between 0 and 1');
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const files = paths.flatMap(scenarioFiles);
      if (!files.length) throw new UsageError(`no scenario files (.yaml, .yml, .json) in ${paths.join(', ')}`);
      // Validate every file before running any, so a typo fails fast.
      const scenarios = files.flatMap((f) => loadScenarios(f).map((scenario) => ({ file: f, scenario })));
      const env = { ...process.env, LORE_LOG_LEVEL: process.env.LORE_LOG_LEVEL ?? 'warn', ...(g.model ? { LORE_MODEL: g.model } : {}) };
      const outcomes: ScenarioOutcome[] = [];
      for (const { file, scenario } of scenarios) {
        outcomes.push(await runScenario(scenario, file, { env, makeRunner: (rt) => createAgentService(rt, { evaluate: false }) }));
      }
      if (opts.json) console.log(JSON.stringify(outcomes, null, 2));
      else console.log(renderEvalTable(outcomes));
      const misses = missedThresholds(outcomes, min);
      for (const m of misses) console.error(`lore: ${m}`);
      if (misses.length) process.exitCode = 1;
    });
}
