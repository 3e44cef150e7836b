/**
 * CloudWatch Embedded Metric Format: one JSON log line that CloudWatch Logs turns into metrics, so
 * the Lambdas publish custom metrics without an API call or an agent. The CDK stack's alarms and
 * dashboard read these (namespace `Lore`).
 */
export const EMF_NAMESPACE = 'Lore';

export type MetricUnit = 'Milliseconds' | 'Count' | 'None';

export function emfLine(metrics: Record<string, { value: number; unit: MetricUnit }>, dimensions: Record<string, string>, now = Date.now()): string {
  const dims = Object.keys(dimensions);
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{ Namespace: EMF_NAMESPACE, Dimensions: [dims], Metrics: Object.entries(metrics).map(([Name, m]) => ({ Name, Unit: m.unit })) }],
    },
    ...dimensions,
    ...Object.fromEntries(Object.entries(metrics).map(([k, m]) => [k, m.value])),
  });
}

export type MetricSink = (line: string) => void;

/** Lambda ships stdout to CloudWatch Logs. */
export const stdoutSink: MetricSink = (line) => void process.stdout.write(`${line}\n`);
