import type { CallOptions } from '../models/types.js';

/** Turns text into vectors for hybrid retrieval. Optional: without one, search is BM25 alone. */
export interface Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  embed(texts: string[], options?: CallOptions): Promise<number[][]>;
}
