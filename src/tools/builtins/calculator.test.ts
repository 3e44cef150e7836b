import { describe, expect, it } from 'vitest';
import { executeToolCall } from '../execute.js';
import { ToolRegistry } from '../registry.js';
import type { AnyTool } from '../tool.js';
import { calculatorTool } from './calculator.js';
import { evaluateExpression } from './expression.js';

describe('expression evaluator', () => {
  it.each([
    ['17*23', 391],
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['2^3^2', 512],
    ['2**10', 1024],
    ['-3 + +5', 2],
    ['10 % 4', 2],
    ['sqrt(16) + abs(-2)', 6],
    ['max(1, 7, 3)', 7],
    ['1,000 * 2', 2000],
    ['12 × 3 ÷ 4', 9],
    ['pi', Math.PI],
  ])('%s = %s', (expr, value) => {
    expect(evaluateExpression(expr)).toBeCloseTo(value as number, 10);
  });

  it.each(['', '1 +', '2 ** ', 'process.exit(1)', 'constructor', '1/0', '((1)', 'alert("x")', '1 2'])('rejects %j', (expr) => {
    expect(() => evaluateExpression(expr)).toThrow();
  });
});

describe('calculator tool', () => {
  const registry = new ToolRegistry([calculatorTool as unknown as AnyTool]);
  const ctx = { sessionId: 's', userId: 'u', tenantId: 't', traceId: 'tr' };

  it('returns the result', async () => {
    const o = await executeToolCall(registry, { toolUseId: '1', name: 'calculator', input: { expression: '0.1+0.2' } }, ctx, 1000);
    expect(o).toMatchObject({ status: 'success', output: { result: 0.3 } });
  });

  it('returns a structured error for a bad expression', async () => {
    const o = await executeToolCall(registry, { toolUseId: '1', name: 'calculator', input: { expression: 'eval(1)' } }, ctx, 1000);
    expect(o.status).toBe('error');
    expect(o.errorCode).toBe('TOOL_FAILED');
    expect(JSON.stringify(o.output)).toContain('unknown name');
  });
});
