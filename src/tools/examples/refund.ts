import { z } from 'zod';
import { defineTool } from '../tool.js';

export interface IssuedRefund {
  refundId: string;
  orderId: string;
  amount: number;
  idempotencyKey: string;
}

/**
 * An example mutating tool (seed 002's refund flow): large amounts are routed to a person by the
 * workflow's approval policy. Used by the scenario evals; copy it as a template for real tools.
 * `issued` is where the effect lands, so callers can check it happened exactly once.
 */
export function createRefundTool(issued: IssuedRefund[] = []) {
  return defineTool({
    name: 'issue_refund',
    description: 'Issue a refund to a customer for an order. Use it when asked to refund an order; amounts are in US dollars.',
    input: z
      .object({
        order_id: z.string().min(1).max(64).describe('The order id, e.g. "A-1001"'),
        amount: z.number().positive().max(1_000_000).describe('Refund amount in USD'),
      })
      .strict(),
    mutating: true,
    handler: ({ order_id, amount }, ctx) => {
      const existing = issued.find((r) => r.idempotencyKey === ctx.idempotencyKey);
      if (existing) return { refund_id: existing.refundId, order_id, amount, status: 'issued' };
      const refund = { refundId: `rf_${issued.length + 1}`, orderId: order_id, amount, idempotencyKey: ctx.idempotencyKey };
      issued.push(refund);
      return { refund_id: refund.refundId, order_id, amount, status: 'issued' };
    },
  });
}
