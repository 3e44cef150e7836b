import { z } from 'zod';
import { LoreError } from '../../errors.js';
import { defineTool } from '../tool.js';

export function createCurrentTimeTool(now: () => Date = () => new Date()) {
  return defineTool({
    name: 'current_time',
    description: 'Get the current date and time, optionally in an IANA time zone such as "Europe/Paris". Use it when asked what time or date it is now.',
    input: z.object({ timezone: z.string().min(1).max(64).optional().describe('IANA time zone; default UTC') }).strict(),
    idempotent: true,
    timeoutMs: 1000,
    handler: ({ timezone }) => {
      const tz = timezone ?? 'UTC';
      const d = now();
      let local: string;
      try {
        local = new Intl.DateTimeFormat('en-US', { timeZone: tz, dateStyle: 'full', timeStyle: 'long' }).format(d);
      } catch {
        throw new LoreError('TOOL_FAILED', `unknown time zone "${tz}"; use an IANA name like "America/New_York"`);
      }
      return { iso: d.toISOString(), timezone: tz, local };
    },
  });
}

export const currentTimeTool = createCurrentTimeTool();
