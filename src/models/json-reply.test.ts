import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonReply } from './json-reply.js';

describe('parseJsonReply', () => {
  const schema = z.object({ about: z.enum(['user', 'world']) });
  it('finds the object inside prose or a code fence and validates it', () => {
    expect(parseJsonReply('Sure:\n```json\n{"about": "user"}\n```', schema)).toEqual({ about: 'user' });
  });
  it('is null for no object, broken JSON, or a reply outside the schema', () => {
    expect(parseJsonReply('user', schema)).toBeNull();
    expect(parseJsonReply('{"about": "user",}', schema)).toBeNull();
    expect(parseJsonReply('{"about": "maybe"}', schema)).toBeNull();
  });
});
