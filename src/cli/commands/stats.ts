import type { Command } from 'commander';
import { withRuntime } from '../context.js';

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('Runs, tokens and cost, step latency, tool success, learning rate, quality, DLQ depth')
    .option('--all-tenants', 'all tenants instead of the configured one')
    .option('--json', 'print JSON')
    .action(async (opts: { allTenants?: boolean; json?: boolean }, cmd: Command) => {
      const { computeStats } = await import('../../telemetry/stats.js');
      await withRuntime(cmd, async (rt) => {
        const s = await computeStats(rt.backend, { modelId: rt.provider.modelId, prices: rt.prices, ...(opts.allTenants ? {} : { tenantId: rt.config.tenant }) });
        if (opts.json) return console.log(JSON.stringify(s, null, 2));
        console.log(`runs            ${s.runs.total}  ${Object.entries(s.runs.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        console.log(`iterations/run  ${s.runs.avgIterations?.toFixed(2) ?? 'n/a'}`);
        console.log(`tokens          ${s.tokens.total} (in ${s.tokens.input}, out ${s.tokens.output}, cache read ${s.tokens.cacheRead}, cache write ${s.tokens.cacheWrite})`);
        console.log(`est. cost       $${s.tokens.costUsd.toFixed(6)} at ${rt.provider.modelId} prices${s.tokens.priced ? '' : ' (no price entry: undercounted)'}`);
        console.log(`tool success    ${pct(s.tools.successRate)} of ${s.tools.calls} calls`);
        console.log(`learning rate   ${pct(s.learning.learningRate)} (${s.learning.withLearnings}/${s.learning.interactions} interactions; ${s.learning.activeLearnings} active, ${s.learning.superseded} superseded)`);
        console.log(`low quality     ${pct(s.quality.lowQualityRate)} (${s.quality.low} low, ${s.quality.flagged} flagged, mean ${s.quality.meanQuality?.toFixed(2) ?? 'n/a'})`);
        console.log(`DLQ depth       ${s.dlqDepth}`);
        for (const [step, l] of Object.entries(s.stepLatencyMs)) {
          console.log(`step ${step.padEnd(16)} n=${l.count}  p50 ${l.p50} ms  p95 ${l.p95} ms  p99 ${l.p99} ms`);
        }
      });
    });
}
