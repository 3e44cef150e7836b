import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('createRateLimiter', () => {
  it('allows a burst of perMinute, then refills continuously', () => {
    let t = 0;
    const rl = createRateLimiter(60, () => t);
    for (let i = 0; i < 60; i++) expect(rl.take('u').ok).toBe(true);
    expect(rl.take('u')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(rl.take('other').ok).toBe(true);
    t += 1000;
    expect(rl.take('u').ok).toBe(true);
    expect(rl.take('u').ok).toBe(false);
  });

  it('says how long until the next token', () => {
    let t = 0;
    const rl = createRateLimiter(2, () => t);
    rl.take('u');
    rl.take('u');
    expect(rl.take('u')).toEqual({ ok: false, retryAfterSeconds: 30 });
  });
});
