import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkText } from './chunker.js';

const words = (n: number, prefix = 'w') => Array.from({ length: n }, (_, i) => `${prefix}${i % 10}`).join(' ');

describe('chunkText', () => {
  it('returns one chunk for short text and none for blank text', () => {
    expect(chunkText('  Hello world.  ')).toEqual([{ index: 0, text: 'Hello world.', start: 2, end: 14 }]);
    expect(chunkText('')).toEqual([]);
    expect(chunkText(' \n\t ')).toEqual([]);
  });

  it('cuts fixed-size windows that overlap by the requested fraction', () => {
    // "wN" words cost one token each, so sizes are exact.
    const chunks = chunkText(words(100), { chunkTokens: 20, overlap: 0.25 });
    for (const c of chunks.slice(0, -1)) expect(c.text.split(' ')).toHaveLength(20);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!.text.split(' ');
      expect(chunks[i]!.text.split(' ').slice(0, 5)).toEqual(prev.slice(-5));
      expect(chunks[i]!.start).toBeLessThan(chunks[i - 1]!.end);
    }
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.at(-1)!.end).toBe(words(100).length);
  });

  it('has no overlap when overlap is 0', () => {
    const chunks = chunkText(words(60), { chunkTokens: 20, overlap: 0 });
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => c.text).join(' ')).toBe(words(60));
  });

  it('ends a chunk at a sentence boundary when one is near the end of the window', () => {
    const text = `${words(17)}. ${words(30, 'x')}`;
    const [first] = chunkText(text, { chunkTokens: 20, overlap: 0 });
    expect(first!.text.endsWith('.')).toBe(true);
    expect(first!.text.split(' ')).toHaveLength(17);
    // A boundary early in the window is ignored: filling the window matters more.
    const early = `${words(5)}. ${words(40, 'x')}`;
    expect(chunkText(early, { chunkTokens: 20, overlap: 0 })[0]!.text.split(' ')).toHaveLength(20);
  });

  it('treats a blank line as a boundary too', () => {
    const text = `${words(16)}\n\n${words(30, 'x')}`;
    expect(chunkText(text, { chunkTokens: 20, overlap: 0 })[0]!.text).toBe(words(16));
  });

  it('counts long words as several tokens and splits giant ones', () => {
    const long = Array.from({ length: 10 }, () => 'internationalization').join(' '); // 5 tokens each
    expect(chunkText(long, { chunkTokens: 20, overlap: 0 })[0]!.text.split(' ')).toHaveLength(4);
    const blob = 'A'.repeat(1000);
    const chunks = chunkText(blob, { chunkTokens: 10, overlap: 0 });
    expect(chunks.every((c) => c.text.length <= 40)).toBe(true);
    expect(chunks.map((c) => c.text).join('')).toBe(blob);
  });

  it('always covers the whole text, in order, with offsets that match', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('a', 'bb', 'ccccc', 'end.', '\n\n', 'x?'), fc.string({ maxLength: 12 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (parts, chunkTokens, overlap) => {
          const text = parts.join(' ');
          const chunks = chunkText(text, { chunkTokens, overlap });
          if (text.trim() === '') return chunks.length === 0;
          for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
          for (let i = 1; i < chunks.length; i++) {
            expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.start);
            expect(chunks[i]!.start).toBeLessThanOrEqual(chunks[i - 1]!.end + (text.slice(chunks[i - 1]!.end).search(/\S/) + 1));
          }
          expect(chunks[0]!.start).toBe(text.search(/\S/));
          expect(chunks.at(-1)!.end).toBe(text.trimEnd().length);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
