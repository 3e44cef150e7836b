import { describe, expect, it } from 'vitest';
import { createBuiltinGuardrail } from './builtin.js';
import { findPii } from './pii.js';
import { isRoleAddress } from './role-address.js';

// Both directions, several domains and TLDs; none of these strings is in the PII corpus.
const ROLE = [
  'billing@fabrikam.example', 'SUPPORT@Tailspin.example.org', 'no-reply@wingtip.example.io', 'do_not_reply@adatum.example.de',
  'info@lamna.example.co.uk', 'hr@proseware.example', 'security@litware.example', 'sales.emea@contoso.example', 'invoices@margie.example',
  'customer-care@alpine.example.fr', 'privacy@woodgrove.example', 'payroll-help@fourth.example', 'growth@northwind.example',
];
const PERSONAL = [
  'jane.doe@fabrikam.example', 'k.tanaka@tailspin.example.org', 'olga_petrova@wingtip.example.io', 'max.billing@adatum.example.de',
  'sam@lamna.example.co.uk', 'rhr@proseware.example', 'billing@gmail.com', 'support@outlook.com', 'hr.anna@contoso.example',
  'p.novak+invoices@margie.example', 'lu.xin@alpine.example.fr', 'al.hr@woodgrove.example',
];

describe('role mailboxes are not personal data; personal addresses are', () => {
  it('tells a function mailbox from a person by every part of its local part, and free mail apart', () => {
    for (const a of ROLE) expect(isRoleAddress(a), a).toBe(true);
    for (const a of PERSONAL) expect(isRoleAddress(a), a).toBe(false);
  });

  it('keeps role mailboxes in text and redacts the personal address beside one', () => {
    for (const a of ROLE) expect(findPii(`Invoices come from ${a} now.`), a).toEqual([]);
    for (const a of PERSONAL) expect(findPii(`Invoices come from ${a} now.`).map((s) => s.kind), a).toEqual(['email']);
    const text = 'Questions go to helpdesk@fabrikam.example, escalations to dana.white@fabrikam.example.';
    expect(findPii(text).map((s) => text.slice(s.start, s.end))).toEqual(['dana.white@fabrikam.example']);
  });

  it('at every stage: a learning keeps the role mailbox, the person stays redacted', async () => {
    const g = createBuiltinGuardrail();
    for (const stage of ['input', 'learning', 'knowledge', 'output'] as const) {
      const r = await g.screen({ text: 'Refund questions now go to refunds@fabrikam.example, not to lea.roth@fabrikam.example.', stage, tenantId: 't' });
      expect(r.text, stage).toContain('refunds@fabrikam.example');
      expect(r.text, stage).not.toContain('lea.roth');
      expect(r.text, stage).toContain('[EMAIL]');
    }
    const spelled = await g.screen({ text: 'write to press (at) fabrikam (dot) example or to tom (at) fabrikam (dot) example', stage: 'input', tenantId: 't' });
    expect(spelled.text).toContain('press (at) fabrikam (dot) example');
    expect(spelled.text).not.toContain('tom (at)');
  });
});
