import { describe, expect, it } from 'vitest';
import { findPii } from './pii.js';

describe('findPii without digits in the text', () => {
  it('still finds what needs no digit (detectors that need one are skipped for such texts)', () => {
    const text = 'Mail ana.lopez@example.org, my password: hunter-two-secret, key sk-abcdefghijklmnopqrstuvwxyzABCD, or ana (at) example (dot) org.';
    expect(findPii(text).map((s) => [s.kind, text.slice(s.start, s.end)])).toEqual([
      ['email', 'ana.lopez@example.org'],
      ['password', 'hunter-two-secret'],
      ['secret', 'sk-abcdefghijklmnopqrstuvwxyzABCD'],
      ['email', 'ana (at) example (dot) org'],
    ]);
  });

  it('runs the digit detectors once a digit is there, with the same precedence as before', () => {
    const text = 'Call me at +44 20 7946 0958, card 4111 1111 1111 1111, mail ana@example.org.';
    expect(findPii(text).map((s) => s.kind)).toEqual(['phone', 'card', 'email']);
  });
});
