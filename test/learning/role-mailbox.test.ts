import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createAgentService, type AgentService } from '../../src/service.js';

const open: Array<{ rt: Runtime; svc: AgentService; dir: string }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.svc.close();
    o.rt.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

function start() {
  const dir = mkdtempSync(join(tmpdir(), 'lore-role-'));
  const rt = createRuntime(loadConfig({}, { dataDir: dir, logLevel: 'warn' }));
  const svc = createAgentService(rt, { evaluate: false });
  open.push({ rt, svc, dir });
  const ask = (sessionId: string, message: string) => svc.start({ tenantId: rt.config.tenant, sessionId, userId: 'u1', message });
  return { rt, ask };
}

describe('learning a role mailbox end to end', () => {
  it('ingests and learns a function address in clear, supersedes the old one, and answers it in another session', async () => {
    const { rt, ask } = start();
    await rt.knowledge.upsertDocument({ tenantId: rt.config.tenant, sourceUri: 'docs/ap.md', kind: 'document', text: '# Accounts\nSupplier invoices are sent from billing@fabrikam.example.', actor: 'test' });
    expect((await ask('A', 'Which address sends supplier invoices?')).answer).toContain('billing@fabrikam.example');
    const taught = await ask('A', 'Supplier invoices now come from accounts-payable@fabrikam.example.');
    expect(taught.learnings.map((l) => l.event)).toEqual(['UPDATE']);
    expect(taught.learnings[0]!.fact).toContain('accounts-payable@fabrikam.example');
    const b = await ask('B', 'Which address sends supplier invoices?');
    expect(b.answer).toContain('accounts-payable@fabrikam.example');
    expect(b.answer).not.toContain('billing@fabrikam.example');
  });

  it('still redacts a person’s address in the same kind of statement', async () => {
    const { ask } = start();
    const taught = await ask('A', 'FYI supplier invoices now come from marta.klein@fabrikam.example.');
    expect(taught.learnings.length).toBe(1);
    expect(taught.learnings[0]!.fact).not.toContain('marta.klein');
    expect(taught.learnings[0]!.fact).toContain('[EMAIL]');
  });
});
