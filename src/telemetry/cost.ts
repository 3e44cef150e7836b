import type { Usage } from '../models/types.js';
import { defaultPriceTable, type PriceTable } from './prices.js';

export interface CostEstimate {
  usd: number;
  /** false when the model has no price entry; `usd` is then 0 and must not be read as "free". */
  priced: boolean;
  /** The price-table key used, when priced. */
  priceKey?: string;
}

/**
 * USD cost of one call's usage. Converse `inputTokens` counts only uncached input; cache reads
 * and writes are reported (and billed) separately, so the four counts are disjoint.
 * Rounded to a nano-dollar so sums of estimates do not accumulate float noise.
 */
export function estimateCost(modelId: string, usage: Usage, table: PriceTable = defaultPriceTable): CostEstimate {
  const match = table.lookup(modelId);
  if (!match) return { usd: 0, priced: false };
  const { price } = match;
  const microUsd =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    (usage.cacheReadInputTokens ?? 0) * price.cacheRead +
    (usage.cacheWriteInputTokens ?? 0) * price.cacheWrite;
  return { usd: Math.round(microUsd * 1000) / 1e9, priced: true, priceKey: match.key };
}
