import { describe, expect, it } from 'vitest';
import { buildFtsQuery, queryTerms } from './fts-query.js';

describe('queryTerms', () => {
  it('drops stop words and the fragments of contractions and possessives', () => {
    expect(queryTerms("What's the team's rate limit? Don't guess.")).toEqual(['team', 'rate', 'limit', 'don', 'guess']);
    expect(queryTerms("We're sure they'll say I'd've known")).toEqual(['sure', 'say', 'known']);
  });

  it('keeps a query of nothing but stop words rather than searching for nothing', () => {
    expect(queryTerms("who's there?")).toEqual(['who', 's', 'there']);
    expect(buildFtsQuery('?!')).toBeNull();
  });

  it('quotes every term and ORs them', () => {
    expect(buildFtsQuery('rate NEAR "limit" OR x*')).toBe('"rate" OR "near" OR "limit" OR "x"');
  });
});
