import { estimateCost } from './cost.js';
import { quantile } from './metrics-registry.js';
import type { EvaluationStore } from '../learning/evaluation-store.js';
import type { PriceTable } from './prices.js';
import type { StatsSources } from './stats.js';

/** One time bucket of operator figures (the console's metrics charts). */
export interface SeriesBucket {
  start: number;
  turns: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
  tokens: number;
  costUsd: number;
  learningRate: number | null;
  quality: number | null;
  guardFindings: number;
}

export interface Series {
  bucketMs: number;
  buckets: SeriesBucket[];
  dlqDepth: number;
}

/**
 * Figures over time from what is stored (runs, evaluations, queue), bucketed by a run's start:
 * turns, failures, latency (start to last update of finished runs), tokens and cost, learning
 * rate, mean quality and guardrail findings. Same sources as `lore stats`, so they agree.
 */
export async function computeSeries(
  src: { stats: StatsSources['stats']; evaluations: Pick<EvaluationStore, 'qualitySince'> },
  opts: { tenantId: string; now: number; bucketMs: number; buckets: number; modelId: string; prices: PriceTable },
): Promise<Series> {
  const from = Math.floor(opts.now / opts.bucketMs) * opts.bucketMs - (opts.buckets - 1) * opts.bucketMs;
  const rows = await src.stats.runOutcomes({ tenantId: opts.tenantId, since: from });
  const quality = await src.evaluations.qualitySince({ tenantId: opts.tenantId, since: from });
  const at = (t: number) => Math.min(opts.buckets - 1, Math.floor((t - from) / opts.bucketMs));
  const acc = Array.from({ length: opts.buckets }, (_, i) => ({ start: from + i * opts.bucketMs, turns: 0, failed: 0, ms: [] as number[], tokens: 0, costUsd: 0, finished: 0, learned: 0, q: [] as number[], guardFindings: 0 }));
  for (const r of rows) {
    const b = acc[at(r.createdAt)]!;
    const res = r.result ?? {};
    b.turns++;
    if (r.status === 'FAILED') b.failed++;
    if (r.status === 'COMPLETED') {
      b.ms.push(r.updatedAt - r.createdAt);
      b.finished++;
      if ((res.learnings ?? []).some((l) => l.event === 'ADD' || l.event === 'UPDATE')) b.learned++;
    }
    if (res.usage) {
      b.tokens += res.usage.totalTokens;
      b.costUsd += estimateCost(opts.modelId, res.usage, opts.prices).usd;
    }
    b.guardFindings += (res.guard?.input?.findings?.length ?? 0) + (res.guard?.output?.findings?.length ?? 0);
  }
  for (const e of quality) acc[at(e.judgedAt)]!.q.push(e.quality);
  const dlq = await src.stats.deadLetters();
  return {
    bucketMs: opts.bucketMs,
    dlqDepth: dlq,
    buckets: acc.map((b) => {
      const ms = b.ms.sort((x, y) => x - y);
      return {
        start: b.start,
        turns: b.turns,
        failed: b.failed,
        p50Ms: ms.length ? quantile(ms, 0.5) : null,
        p95Ms: ms.length ? quantile(ms, 0.95) : null,
        tokens: b.tokens,
        costUsd: b.costUsd,
        learningRate: b.finished ? b.learned / b.finished : null,
        quality: b.q.length ? b.q.reduce((x, y) => x + y, 0) / b.q.length : null,
        guardFindings: b.guardFindings,
      };
    }),
  };
}
