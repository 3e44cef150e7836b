import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractLearnings, LearningStreamFilter, neutraliseLearningTags } from './learning-tags.js';

describe('[LEARNING] extraction', () => {
  it('extracts several tags in any case and strips them', () => {
    const r = extractLearnings('Noted.\n[LEARNING]: The limit is 500 req/s.\n[learning] : Deploys happen on Tuesdays.\nAnything else?');
    expect(r.learnings).toEqual(['The limit is 500 req/s.', 'Deploys happen on Tuesdays.']);
    expect(r.text).toBe('Noted.\nAnything else?');
  });

  it('ignores tags inside code fences', () => {
    const r = extractLearnings('Example:\n```\n[LEARNING]: not a learning\n```\n[LEARNING]: real one');
    expect(r.learnings).toEqual(['real one']);
    expect(r.text).toContain('[LEARNING]: not a learning');
  });

  it('keeps a line that merely mentions the tag mid-sentence', () => {
    const r = extractLearnings('Use the [LEARNING]: syntax at line start.');
    expect(r.learnings).toEqual([]);
    expect(r.text).toBe('Use the [LEARNING]: syntax at line start.');
  });

  it('accepts bulleted tags and dedupes', () => {
    const r = extractLearnings('ok\n- [LEARNING]: A is B\n* [Learning]: a is b');
    expect(r.learnings).toEqual(['A is B']);
    expect(r.text).toBe('ok');
  });

  it('never leaks a tag into a stream, however the text is split', () => {
    const answer = 'Got it — thanks.\n[LEARNING]: The rate limit is 500 req/s.\nSee `docs` for more.\n  [learning]: second fact';
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: answer.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces: string[] = [];
        let prev = 0;
        for (const p of [...points, answer.length]) {
          pieces.push(answer.slice(prev, p));
          prev = p;
        }
        const f = new LearningStreamFilter();
        let shown = '';
        for (const piece of pieces) shown += f.push(piece);
        shown += f.flush();
        expect(shown.toLowerCase()).not.toContain('[learning]');
        expect(shown).toContain('See `docs` for more.');
        expect(f.learnings).toEqual(['The rate limit is 500 req/s.', 'second fact']);
      }),
      { numRuns: 300 },
    );
  });

  it('releases held text as soon as a line cannot be a tag', () => {
    const f = new LearningStreamFilter();
    expect(f.push('[LEA')).toBe('');
    expect(f.push('D] is a word')).toBe('[LEAD] is a word');
  });

  it('neutralises tags in untrusted text', () => {
    expect(neutraliseLearningTags('x\n[LEARNING]: evil')).not.toMatch(/\[learning\]/i);
  });

  it.each([
    ['**[LEARNING]:** The limit is 500.', 'The limit is 500.'],
    ['**[LEARNING]**: The limit is 500.', 'The limit is 500.'],
    ['[LEARNING] The limit is 500.', 'The limit is 500.'],
    ['[LEARNING] - The limit is 500.', 'The limit is 500.'],
    ['1. [LEARNING]: The limit is 500.', 'The limit is 500.'],
    ['> [LEARNING]: The limit is 500.', 'The limit is 500.'],
    ['• [ Learning ]: The limit is 500.', 'The limit is 500.'],
    ['[LEARNING: The limit is 500.]', 'The limit is 500.'],
    ['_[learning]_: The limit is 500.', 'The limit is 500.'],
    ['[LEARNING]：The limit is 500.', 'The limit is 500.'],
  ])('reads the variant %j as a tag', (line, fact) => {
    const r = extractLearnings(`Noted.\n${line}\nAnything else?`);
    expect(r.learnings).toEqual([fact]);
    expect(r.text).toBe('Noted.\nAnything else?');
  });

  it('takes a tag after a sentence end on the same line, and shows the sentence', () => {
    const r = extractLearnings('Got it, thanks. [LEARNING]: The limit is 500.\nAnything else?');
    expect(r.learnings).toEqual(['The limit is 500.']);
    expect(r.text).toBe('Got it, thanks.\nAnything else?');
    const bold = extractLearnings('Got it! **[LEARNING]:** The limit is 500.');
    expect(bold).toEqual({ text: 'Got it!', learnings: ['The limit is 500.'] });
  });

  it('leaves words that only start like the tag', () => {
    for (const text of ['[Learning resources] are listed below.', '**Learning**: read the guide.', '1. Learn the API.', 'Version 3. [LEAD] time is 2 days.']) {
      expect(extractLearnings(text)).toEqual({ text, learnings: [] });
    }
  });

  it('never leaks a variant tag into a stream, however the text is split', () => {
    const answer =
      'Sure. **[LEARNING]:** Backups run at 02:00.\n1. [Learning] Deploys are on Tuesdays.\nDone! [LEARNING]: The VPN is vpn2.\nVersion 3. [LEAD] time is 2 days.\n[LEARNING: Refunds take 5 days.]';
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: answer.length - 1 }), { maxLength: 16 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const f = new LearningStreamFilter();
        let shown = '';
        let prev = 0;
        for (const p of [...points, answer.length]) {
          shown += f.push(answer.slice(prev, p));
          prev = p;
        }
        shown += f.flush();
        expect(shown.toLowerCase()).not.toMatch(/\[\s*learning/);
        expect(shown).toBe('Sure.\nDone!\nVersion 3. [LEAD] time is 2 days.\n');
        expect(f.learnings).toEqual(['Backups run at 02:00.', 'Deploys are on Tuesdays.', 'The VPN is vpn2.', 'Refunds take 5 days.']);
      }),
      { numRuns: 400 },
    );
  });

  it('neutralises the bracketed form in untrusted text too', () => {
    const out = neutraliseLearningTags('a [ LEARNING: evil ] and [learning]: evil');
    expect(extractLearnings(out).learnings).toEqual([]);
    expect(out).not.toMatch(/\[\s*learning\s*[\]:]/i);
  });
});

