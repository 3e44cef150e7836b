import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createAgentService, type AgentService } from '../../src/service.js';

export type Stack = Runtime & { svc: AgentService; dataDir: string };

const open: Stack[] = [];
const dirs: string[] = [];

/** A real runtime (SQLite in a temp dir, the offline model) with the agent service over it. */
export function stack(overrides: Record<string, unknown> = {}, dataDir = mkdtempSync(join(tmpdir(), 'lore-memory-'))): Stack {
  dirs.push(dataDir);
  const rt = createRuntime(loadConfig({}, { dataDir, logLevel: 'silent', ...overrides }));
  const s = Object.assign(rt, { svc: createAgentService(rt, { evaluate: false }), dataDir });
  open.push(s);
  return s;
}

export async function closeAll(): Promise<void> {
  for (const s of open.splice(0)) {
    await s.svc.close();
    s.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** One chat turn, then the after-turn memory work it scheduled (which a server does not wait for). */
export async function say(s: Stack, p: { sessionId: string; userId: string; message: string }) {
  const r = await s.svc.start({ tenantId: s.config.tenant, ...p });
  await s.svc.memoryJobs.drain();
  return r;
}
