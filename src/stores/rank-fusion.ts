/**
 * Reciprocal rank fusion, shared by the adapters that merge rankers whose scores are not comparable
 * (BM25 and cosine; DynamoDB BM25 and a Bedrock knowledge base): each list contributes 1/(k + rank)
 * for an item, k = 60 as in the original paper and in the SQLite hybrid search. Ranks are 1-based.
 */
export const RRF_K = 60;

export const rrf = (rank: number): number => 1 / (RRF_K + rank);
