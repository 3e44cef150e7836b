import type { Usage } from '../models/types.js';
import type { SqliteDatabase } from '../stores/sqlite/database.js';
import { estimateCost } from './cost.js';
import { quantile } from './metrics-registry.js';
import type { PriceTable } from './prices.js';

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

interface Row {
  status: string;
  result: string | null;
  created_at: number;
  updated_at: number;
}

interface StoredResult {
  usage?: Usage;
  learnings?: Array<{ event: string }>;
  guard?: { input?: { findings?: unknown[] }; output?: { findings?: unknown[] } };
}

/**
 * Figures over time from what is stored (runs, evaluations, queue), bucketed by a run's start:
 * turns, failures, latency (start to last update of finished runs), tokens and cost, learning
 * rate, mean quality and guardrail findings. Same sources as `lore stats`, so they agree.
 */
export function computeSeries(
  db: SqliteDatabase,
  opts: { tenantId: string; now: number; bucketMs: number; buckets: number; modelId: string; prices: PriceTable },
): Series {
  const from = Math.floor(opts.now / opts.bucketMs) * opts.bucketMs - (opts.buckets - 1) * opts.bucketMs;
  const rows = db.prepare('SELECT status, result, created_at, updated_at FROM workflow_runs WHERE tenant_id = ? AND created_at >= ?').all(opts.tenantId, from) as Row[];
  const quality = db.prepare('SELECT quality, judged_at FROM evaluations WHERE tenant_id = ? AND judged_at >= ? AND quality IS NOT NULL').all(opts.tenantId, from) as Array<{ quality: number; judged_at: number }>;
  const at = (t: number) => Math.min(opts.buckets - 1, Math.floor((t - from) / opts.bucketMs));
  const acc = Array.from({ length: opts.buckets }, (_, i) => ({ start: from + i * opts.bucketMs, turns: 0, failed: 0, ms: [] as number[], tokens: 0, costUsd: 0, finished: 0, learned: 0, q: [] as number[], guardFindings: 0 }));
  for (const r of rows) {
    const b = acc[at(r.created_at)]!;
    const res = r.result ? (JSON.parse(r.result) as StoredResult) : {};
    b.turns++;
    if (r.status === 'FAILED') b.failed++;
    if (r.status === 'COMPLETED') {
      b.ms.push(r.updated_at - r.created_at);
      b.finished++;
      if ((res.learnings ?? []).some((l) => l.event === 'ADD' || l.event === 'UPDATE')) b.learned++;
    }
    if (res.usage) {
      b.tokens += res.usage.totalTokens;
      b.costUsd += estimateCost(opts.modelId, res.usage, opts.prices).usd;
    }
    b.guardFindings += (res.guard?.input?.findings?.length ?? 0) + (res.guard?.output?.findings?.length ?? 0);
  }
  for (const e of quality) acc[at(e.judged_at)]!.q.push(e.quality);
  const dlq = (db.prepare('SELECT count(*) AS n FROM queue_messages WHERE dead_at IS NOT NULL').get() as { n: number }).n;
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
