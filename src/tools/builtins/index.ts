import type { AnyTool } from '../tool.js';
import { calculatorTool } from './calculator.js';
import { currentTimeTool } from './current-time.js';

export { calculatorTool, currentTimeTool };

export const builtinTools = (): AnyTool[] => [calculatorTool as unknown as AnyTool, currentTimeTool as unknown as AnyTool];
