import { queryTerms as analyzedQueryTerms } from './lexical/analyze.js';

/**
 * The terms of a free-text search query, shared by every knowledge adapter so they match on the
 * same words: letter/digit runs (NFKC, lower-cased), stop-words dropped, at most 32, unstemmed
 * (FTS5's porter tokenizer and the DynamoDB store's BM25 stem them themselves). One list of stop
 * words: the lexical analyzer's.
 */
export function queryTerms(text: string): string[] {
  return analyzedQueryTerms(text, { stem: false });
}
