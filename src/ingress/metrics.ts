import type { Counter, Gauge, Histogram, LoreMetrics } from '../telemetry/metrics.js';

/**
 * The ingress layer's own series (HTTP traffic, scheduled jobs, queue depth), registered on the
 * shared LoreMetrics registry so GET /metrics renders them with everything else. Get-or-create,
 * because several apps may share one LoreMetrics (tests, a server restarted in-process).
 */
export interface IngressMetrics {
  request(r: { method: string; route: string; status: number; ms: number }): void;
  jobFinished(j: { job: string; ok: boolean; ms: number; at: number }): void;
  jobScheduled(job: string, nextAt: number): void;
  queueDepth(queue: string, d: { ready: number; inFlight: number; dead: number }): void;
}

const noop: IngressMetrics = { request() {}, jobFinished() {}, jobScheduled() {}, queueDepth() {} };

export function ingressMetrics(lore?: LoreMetrics): IngressMetrics {
  if (!lore) return noop;
  const r = lore.registry;
  const counter = (name: string, help: string, labelNames: string[]) => (r.get(name) as Counter<string> | undefined) ?? r.counter({ name, help, labelNames });
  const gauge = (name: string, help: string, labelNames: string[]) => (r.get(name) as Gauge<string> | undefined) ?? r.gauge({ name, help, labelNames });
  const requests = counter('lore_http_requests_total', 'HTTP requests by route and status', ['method', 'route', 'status']);
  const latency =
    (r.get('lore_http_request_duration_seconds') as Histogram<string> | undefined) ??
    r.histogram({ name: 'lore_http_request_duration_seconds', help: 'HTTP request latency (to the first byte for streams)', labelNames: ['method', 'route'] });
  const jobRuns = counter('lore_job_runs_total', 'Scheduled job runs by outcome', ['job', 'status']);
  const jobOk = gauge('lore_job_last_success', '1 if the last run of a scheduled job succeeded, else 0', ['job']);
  const jobDuration = gauge('lore_job_last_duration_seconds', 'Duration of the last run of a scheduled job', ['job']);
  const jobNext = gauge('lore_job_next_run_timestamp_seconds', 'Unix time a scheduled job runs next', ['job']);
  const depth = gauge('lore_queue_depth', 'Messages in a queue by state', ['queue', 'state']);
  return {
    request: ({ method, route, status, ms }) => {
      requests.inc({ method, route, status });
      latency.observe({ method, route }, ms / 1000);
    },
    jobFinished: ({ job, ok, ms, at }) => {
      jobRuns.inc({ job, status: ok ? 'ok' : 'error' });
      jobOk.set({ job }, ok ? 1 : 0);
      jobDuration.set({ job }, ms / 1000);
      lore.jobRan(job, at);
    },
    jobScheduled: (job, nextAt) => jobNext.set({ job }, Math.floor(nextAt / 1000)),
    queueDepth: (queue, d) => {
      depth.set({ queue, state: 'ready' }, d.ready);
      depth.set({ queue, state: 'in_flight' }, d.inFlight);
      lore.setDlqDepth(queue, d.dead);
    },
  };
}
