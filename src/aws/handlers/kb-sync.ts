import { lambdaSettings } from '../env.js';
import { openKbSync } from '../kb-sync.js';

/**
 * Scheduled Bedrock KB ingestion (EventBridge rule, every few minutes): polls the recorded job,
 * marks what a completed job covered indexed, starts the next job when work is queued. One JSON
 * log line per run (CloudWatch Logs Insights: `filter event = "kb_sync"`).
 */
const settings = lambdaSettings(process.env);
// Built on the first invocation and reused while the container is warm (not container.ts's once():
// that module brings the whole runtime into this small function's bundle).
let sync: ReturnType<typeof openKbSync> | undefined;

export const handler = async () => {
  const report = await (await (sync ??= openKbSync(settings.config))).run();
  console.log(JSON.stringify({ level: 'info', event: 'kb_sync', ...report }));
  return report;
};
