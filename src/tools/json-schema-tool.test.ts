import { describe, expect, it } from 'vitest';
import { amountPolicy, toolFlagPolicy } from '../workflow/approvals.js';
import { executeToolCall } from './execute.js';
import { defineJsonSchemaTool } from './json-schema-tool.js';
import { ToolRegistry } from './registry.js';

const ctx = { sessionId: 's', userId: 'u', tenantId: 't', traceId: 'tr' };

const transfer = defineJsonSchemaTool({
  name: 'transfer',
  description: 'Move money between accounts.',
  inputSchema: {
    json: {
      type: 'object',
      properties: { to: { type: 'string', minLength: 3 }, amount: { type: 'number', exclusiveMinimum: 0 }, currency: { enum: ['EUR', 'USD'] }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['to', 'amount'],
      additionalProperties: false,
    },
  },
  mutating: true,
  requiresApproval: (input) => input.currency === 'USD',
  handler: (input) => ({ ok: true, to: input.to }),
});

describe('JSON-Schema tools', () => {
  const reg = new ToolRegistry([transfer]);

  it('show the model the schema as given', () => {
    expect(reg.specs()[0]!.inputSchema.json).toMatchObject({ type: 'object', required: ['to', 'amount'], additionalProperties: false });
  });

  it('validate at call time: invalid input is TOOL_INPUT_INVALID with per-field issues and the expected schema', async () => {
    const o = await executeToolCall(reg, { toolUseId: '1', name: 'transfer', input: { to: 'x', amount: -1, currency: 'GBP', tags: ['a', 2], extra: true } }, ctx, 1000);
    expect(o.errorCode).toBe('TOOL_INPUT_INVALID');
    const e = (o.output as { error: { issues: Array<{ path: string; message: string }>; expectedSchema: unknown } }).error;
    expect(e.issues.map((i) => i.path).sort()).toEqual(['amount', 'currency', 'extra', 'tags.1', 'to']);
    expect(e.issues.find((i) => i.path === 'currency')!.message).toMatch(/"EUR", "USD"/);
    expect(e.expectedSchema).toEqual(reg.specs()[0]!.inputSchema.json);
    expect(await executeToolCall(reg, { toolUseId: '2', name: 'transfer', input: { to: 'acc-1', amount: 5 } }, ctx, 1000)).toMatchObject({ status: 'success', output: { ok: true, to: 'acc-1' } });
  });

  it('feed the approval policies: a predicate over validated input, the amount policy for mutating tools', () => {
    const call = (input: unknown) => ({ toolUseId: 'x', name: 'transfer', input });
    expect(toolFlagPolicy(call({ to: 'acc-1', amount: 5, currency: 'USD' }), transfer)).toMatch(/approval rule matched/);
    expect(toolFlagPolicy(call({ to: 'acc-1', amount: 5, currency: 'EUR' }), transfer)).toBeNull();
    // Invalid input never runs, so there is nothing to approve.
    expect(toolFlagPolicy(call({ to: 'a', currency: 'USD' }), transfer)).toBeNull();
    expect(amountPolicy(1000)(call({ to: 'acc-1', amount: 5000 }), transfer)).toMatch(/above the approval threshold/);
  });

  it('understand draft-07 and 2020-12 schemas, and refuse a non-object schema', () => {
    const tuple07 = defineJsonSchemaTool({ name: 'p', description: 'd', inputSchema: { json: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { xy: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false } } } }, handler: () => null });
    expect(tuple07.input.safeParse({ xy: [1, 2] }).success).toBe(true);
    expect(tuple07.input.safeParse({ xy: [1, 'a'] }).success).toBe(false);
    const tuple2020 = defineJsonSchemaTool({ name: 'q', description: 'd', inputSchema: { json: { type: 'object', properties: { xy: { type: 'array', prefixItems: [{ type: 'number' }], items: false } } } }, handler: () => null });
    expect(tuple2020.input.safeParse({ xy: [1] }).success).toBe(true);
    expect(tuple2020.input.safeParse({ xy: [1, 2] }).success).toBe(false);
    expect(() => defineJsonSchemaTool({ name: 'r', description: 'd', inputSchema: { json: { type: 'string' } }, handler: () => null })).toThrow(/object/);
    expect(() => defineJsonSchemaTool({ name: 'bad name', description: 'd', inputSchema: { json: { type: 'object' } }, handler: () => null })).toThrow(/must match/);
  });
});
