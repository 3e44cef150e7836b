/**
 * A support agent with a refund tool: refunds above $1,000 wait for a person.
 *
 *   npx tsx examples/support-agent.ts
 *
 * In your own project, `lore-agents` is the installed package; here it maps to ../src.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, defineTool, z } from 'lore-agents';

const refunds: Array<{ orderId: string; amount: number }> = [];

const issueRefund = defineTool({
  name: 'issue_refund',
  description: 'Issue a refund to a customer for an order. Amounts are in US dollars.',
  input: z.object({
    order_id: z.string().min(1).describe('The order id, e.g. "A-1001"'),
    amount: z.number().positive().describe('Refund amount in USD'),
  }),
  // Runs at most once per call, even if the process crashes and the run is resumed.
  mutating: true,
  handler: ({ order_id, amount }, ctx) => {
    // A real tool calls the payment provider here, passing ctx.idempotencyKey as its idempotency key.
    void ctx.idempotencyKey;
    refunds.push({ orderId: order_id, amount });
    return { status: 'issued', refund_id: `rf_${refunds.length}`, order_id, amount };
  },
});

const dataDir = mkdtempSync(join(tmpdir(), 'lore-support-'));
const agent = await createAgent({
  dataDir,
  logLevel: 'silent',
  systemPrompt: 'You are the support desk of Acme. Be brief and friendly.',
  tools: [issueRefund],
  approvals: { rules: [{ tool: 'issue_refund', field: 'amount', above: 1000 }] },
});

try {
  const small = await agent.ask('Please issue a refund of $50 for order A-1001.', { sessionId: 'alice', userId: 'alice' });
  console.log(`$50 refund: ${small.status} — ${small.answer}`);

  const big = await agent.ask('Please issue a refund of $1500 for order A-1002.', { sessionId: 'bob', userId: 'bob' });
  const approval = big.pendingApprovals?.[0];
  console.log(`$1500 refund: ${big.status} — ${approval?.reason}`);
  console.log(`refunds issued so far: ${refunds.length}`);

  if (approval) {
    // What a reviewer does on the chat page, with `lore approvals approve <id>` or POST /approvals/:id.
    const done = await agent.approvals.decide(approval.approvalId, 'approve', { actor: 'carol' });
    console.log(`after approval: ${done.status} — ${done.answer}`);
  }
  console.log(`refunds issued: ${refunds.map((r) => `${r.orderId} $${r.amount}`).join(', ')}`);
} finally {
  await agent.close();
  rmSync(dataDir, { recursive: true, force: true });
}
