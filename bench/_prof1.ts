// one-at-a-time only, for profiling
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const { loadConfig } = await import('../src/config.js');
const { createRuntime } = await import('../src/runtime.js');
const { createAgentService } = await import('../src/service.js');
const config = loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'p-')), logLevel: 'warn' });
const rt = createRuntime(config); const svc = createAgentService(rt, { evaluate: false });
await rt.knowledge.upsertDocument({ tenantId: config.tenant, sourceUri: 'docs/x.md', kind: 'document', text: 'The internal API rate limit is 100 req/s. Authentication uses OAuth 2.0 client credentials.' });
const Q = ['What is the rate limit of our internal API?', 'How does authentication work for the internal API?', 'What is 17*23?', 'hello there'];
const N = Number(process.argv[2] ?? 2000);
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < N; i++) await svc.start({ tenantId: config.tenant, sessionId: `s${i % 500}`, userId: 'u', message: Q[i % 4]! });
const c = process.cpuUsage(c0);
console.log(`${N} turns: ${((c.user + c.system) / N).toFixed(0)} µs CPU/turn (user ${(c.user / N).toFixed(0)} sys ${(c.system / N).toFixed(0)}), wall ${((performance.now() - t0) * 1000 / N).toFixed(0)} µs`);
await svc.close(); rt.close();
