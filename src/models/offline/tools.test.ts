import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../types.js';
import { chooseToolCall } from './tools.js';

const refund: ToolSpec = {
  name: 'issue_refund',
  description: 'Issue a refund to a customer for an order. Amounts are in US dollars.',
  inputSchema: { json: { type: 'object', properties: { order_id: { type: 'string' }, amount: { type: 'number' } }, required: ['order_id', 'amount'] } },
};

describe('choosing a tool by the request', () => {
  it.each([
    ['Please issue a refund of $1500 for order A-1001.', { order_id: 'A-1001', amount: 1500 }],
    ['Refund order A-1001 for $1500', { order_id: 'A-1001', amount: 1500 }],
    ['Can you refund order B-77, $40 please?', { order_id: 'B-77', amount: 40 }],
    ['please refund order 5521 for $12.50', { order_id: '5521', amount: 12.5 }],
  ])('%j calls issue_refund', (message, input) => {
    expect(chooseToolCall(message, [refund])).toEqual({ name: 'issue_refund', input });
  });

  it.each([
    'Refunds over $1,000 for an order need a manager.',
    'How do I refund order C-9 for $20?',
    'Refund policy: 30 days for any order.',
    'Refund the order please.',
  ])('%j does not', (message) => {
    expect(chooseToolCall(message, [refund])).toBeNull();
  });
});
