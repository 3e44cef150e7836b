import { describe, expect, it } from 'vitest';
import { contentHash, normalizeFact } from './normalize.js';

describe('normalizeFact / contentHash', () => {
  it('ignores case, spacing, full-width forms and trailing punctuation', () => {
    expect(normalizeFact('  The Rate\tlimit  is\n500 req/s. ')).toBe('the rate limit is 500 req/s');
    expect(normalizeFact('Ｒate limit!!')).toBe('rate limit');
    expect(contentHash('Rate limit is 500 req/s.')).toBe(contentHash('rate   limit is 500 REQ/S'));
  });

  it('keeps meaningful differences', () => {
    expect(contentHash('limit is 500')).not.toBe(contentHash('limit is 50.0'));
    expect(normalizeFact('v1.2 is out')).toBe('v1.2 is out');
    expect(contentHash('x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
