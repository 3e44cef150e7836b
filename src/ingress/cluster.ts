import type { SpanRecord } from '../telemetry/span-store.js';
import { renderFamilies, type MetricFamily } from '../telemetry/metrics-registry.js';
import { rpcPeer, type IpcChannel, type RpcPeer } from './cluster-rpc.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { rateLimitHandlers, remoteRateLimiter } from './shared-rate-limit.js';

/**
 * What `lore serve --processes N` shares between its processes, over cluster IPC. Each worker
 * keeps its own traces and metrics (they are in memory, where they are cheap to record); the
 * primary fans a request out when one worker has to answer for all of them:
 * - the rate limit: the primary holds the buckets (shared-rate-limit.ts);
 * - GET /runs/:id/trace: the spans every worker holds for the trace, merged (a resumed run can
 *   have spans in two processes);
 * - GET /metrics: every worker's series with a `worker` label, one HELP/TYPE per metric, merged
 *   by prom-client's AggregatorRegistry (histograms, so `sum without (worker)` aggregates them).
 * Whatever a worker cannot get in time, it answers from its own process.
 */

const TRACE_ALL = 'cluster.trace';
const METRICS_ALL = 'cluster.metrics';
const TRACE_LOCAL = 'worker.trace';
const METRICS_LOCAL = 'worker.metrics';

/** Fan-out waits this long for each worker; a slow one is left out rather than failing the request. */
const FAN_OUT_TIMEOUT_MS = 500;
/** A worker waits this long for the primary's merged answer. */
const GATHER_TIMEOUT_MS = 1500;

export interface ClusterPrimary {
  /** Serve a newly forked worker (and ask it in fan-outs) until it exits. */
  attach(workerId: number, channel: IpcChannel): void;
  detach(workerId: number): void;
}

export function createClusterPrimary(opts: { rateLimitPerMinute: number }): ClusterPrimary {
  const workers = new Map<number, RpcPeer>();
  const everyWorker = async <T>(method: string, params?: unknown): Promise<T[]> => {
    const settled = await Promise.allSettled([...workers.values()].map((w) => w.call<T>(method, params, FAN_OUT_TIMEOUT_MS)));
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  };
  const handlers = {
    ...rateLimitHandlers(createRateLimiter(opts.rateLimitPerMinute)),
    [TRACE_ALL]: async (params: unknown) => mergeSpans(await everyWorker<SpanRecord[]>(TRACE_LOCAL, params)),
    [METRICS_ALL]: async () => renderFamilies(await everyWorker<MetricFamily[]>(METRICS_LOCAL)),
  };
  return {
    attach(workerId, channel) {
      workers.set(workerId, rpcPeer(channel, handlers));
    },
    detach(workerId) {
      workers.delete(workerId);
    },
  };
}

export interface ClusterWorkerOptions {
  channel: IpcChannel;
  /** This worker's slot (0..N-1; a replacement keeps its predecessor's), the `worker` label. */
  slot: string;
  rateLimitPerMinute: number;
  /** This process's spans. */
  traces: { getTrace(traceId: string): SpanRecord[] };
  /** This process's metrics, refreshed (scrape-time gauges) before they are read. */
  metrics: (extra: Record<string, string>) => Promise<MetricFamily[]> | MetricFamily[];
  /** A cluster-wide answer could not be had; this process answered alone. */
  onDegraded?: (what: string, reason: string) => void;
}

export interface ClusterWorker {
  rateLimiter: RateLimiter;
  traces: { getTrace(traceId: string): Promise<SpanRecord[]> };
  metricsText(): Promise<string>;
}

export function joinCluster(o: ClusterWorkerOptions): ClusterWorker {
  const primary = rpcPeer(o.channel, {
    [TRACE_LOCAL]: (params) => o.traces.getTrace(String((params as { traceId?: unknown } | null)?.traceId ?? '')),
    [METRICS_LOCAL]: () => o.metrics({ worker: o.slot }),
  });
  const degraded = (what: string) => (e: unknown) => o.onDegraded?.(what, e instanceof Error ? e.message : String(e));
  return {
    rateLimiter: remoteRateLimiter(primary, { fallback: createRateLimiter(o.rateLimitPerMinute), onFallback: (r) => o.onDegraded?.('rate limit', r) }),
    traces: {
      getTrace: (traceId) =>
        primary.call<SpanRecord[]>(TRACE_ALL, { traceId }, GATHER_TIMEOUT_MS).catch((e) => {
          degraded('trace')(e);
          return o.traces.getTrace(traceId);
        }),
    },
    metricsText: async () => {
      try {
        return await primary.call<string>(METRICS_ALL, undefined, GATHER_TIMEOUT_MS);
      } catch (e) {
        degraded('metrics')(e);
        return renderFamilies([await o.metrics({ worker: o.slot })]);
      }
    },
  };
}

/** Spans from several processes as one trace: each span once, by start time. */
export function mergeSpans(lists: SpanRecord[][]): SpanRecord[] {
  const byId = new Map<string, SpanRecord>();
  for (const list of lists) {
    for (const s of list) {
      const seen = byId.get(s.spanId);
      // An open span in one list and its ended copy in another: keep the ended one.
      if (!seen || (seen.endTime === undefined && s.endTime !== undefined)) byId.set(s.spanId, s);
    }
  }
  return [...byId.values()].sort((a, b) => a.startTime - b.startTime);
}
