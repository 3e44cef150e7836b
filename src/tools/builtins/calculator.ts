import { z } from 'zod';
import { LoreError } from '../../errors.js';
import { defineTool } from '../tool.js';
import { evaluateExpression, ExpressionError } from './expression.js';

export const calculatorTool = defineTool({
  name: 'calculator',
  description:
    'Evaluate an arithmetic expression exactly. Use it for any math or calculation: + - * / % ^, parentheses, ' +
    'sqrt, abs, round, floor, ceil, min, max, pow, log, ln, exp, sin, cos, tan, pi, e.',
  input: z.object({ expression: z.string().min(1).max(500).describe('The expression, e.g. "17*23" or "sqrt(2)*(3+4)"') }).strict(),
  idempotent: true,
  timeoutMs: 1000,
  handler: ({ expression }) => {
    try {
      const value = evaluateExpression(expression);
      // Trim binary floating-point noise (0.1+0.2) without hiding real precision.
      return { expression, result: Number(value.toPrecision(15)) };
    } catch (e) {
      if (e instanceof ExpressionError) {
        throw new LoreError('TOOL_FAILED', `cannot evaluate "${expression}": ${e.message} at position ${e.position}`);
      }
      throw e;
    }
  },
});
