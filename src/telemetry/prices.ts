/**
 * Model prices in USD per 1M tokens, keyed by model-id prefix. Figures are Amazon Bedrock
 * on-demand list prices (us-east-1) at the time of writing: an estimate for dashboards and
 * budgets, not a bill. Override or extend them with `telemetry.prices` in the config.
 */
export interface ModelPrice {
  input: number;
  output: number;
  /** Tokens read from the prompt cache. */
  cacheRead: number;
  /** Tokens written to the prompt cache. */
  cacheWrite: number;
}

/** The shape `config.telemetry.prices` takes: cache prices are optional. */
export interface PriceOverride {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

const p = (input: number, output: number, cacheRead = input, cacheWrite = input): ModelPrice => ({ input, output, cacheRead, cacheWrite });

/**
 * Keys are prefixes of Bedrock model ids without the version suffix, so a new dated version of
 * the same model is priced without a table change. Claude cache writes cost 1.25× input and
 * reads 0.1×; Nova bills cache writes as plain input and reads at 0.25×.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  offline: p(0, 0, 0, 0),
  'anthropic.claude-3-5-sonnet': p(3, 15, 0.3, 3.75),
  'anthropic.claude-3-7-sonnet': p(3, 15, 0.3, 3.75),
  'anthropic.claude-sonnet-4': p(3, 15, 0.3, 3.75),
  'anthropic.claude-3-5-haiku': p(0.8, 4, 0.08, 1),
  'anthropic.claude-3-haiku': p(0.25, 1.25, 0.03, 0.3),
  'amazon.nova-pro': p(0.8, 3.2, 0.2, 0.8),
  'amazon.nova-lite': p(0.06, 0.24, 0.015, 0.06),
  'amazon.nova-micro': p(0.035, 0.14, 0.00875, 0.035),
  'meta.llama3-1-8b-instruct': p(0.22, 0.22),
  'meta.llama3-1-70b-instruct': p(0.72, 0.72),
  'amazon.titan-embed-text-v2': p(0.02, 0),
};

/** Cross-region inference profile prefixes Bedrock puts before a model id (`us.anthropic…`). */
const REGION_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\./;

/**
 * The id the price table is keyed by: provider prefix (`bedrock:`, `openai:`), the
 * `@baseUrl` of an openai-compatible spec, and a regional inference-profile prefix removed.
 */
export function normalizeModelId(modelId: string): string {
  let id = modelId.trim();
  const provider = /^(bedrock|openai):/.exec(id);
  if (provider) {
    id = id.slice(provider[0].length);
    if (provider[1] === 'openai') id = id.replace(/@https?:\/\/.*$/, '');
  }
  // An ARN of an inference profile or foundation model ends in `/<model id>`.
  if (id.startsWith('arn:')) id = id.slice(id.lastIndexOf('/') + 1);
  return id.replace(REGION_PREFIX, '');
}

export interface PriceMatch {
  /** The table key that matched. */
  key: string;
  price: ModelPrice;
}

export class PriceTable {
  private readonly entries: Array<[string, ModelPrice]>;

  constructor(prices: Readonly<Record<string, ModelPrice>>) {
    // Longest key first, so the first prefix hit is the most specific one.
    this.entries = Object.entries(prices).sort((a, b) => b[0].length - a[0].length);
  }

  /** Per model id: every model call prices itself, and a deployment uses a handful of ids. */
  private readonly memo = new Map<string, PriceMatch | null>();

  lookup(modelId: string): PriceMatch | null {
    let match = this.memo.get(modelId);
    if (match !== undefined) return match;
    const id = normalizeModelId(modelId);
    match = null;
    for (const [key, price] of this.entries) {
      if (id === key || id.startsWith(key)) {
        match = { key, price };
        break;
      }
    }
    if (this.memo.size < 1000) this.memo.set(modelId, match);
    return match;
  }
}

/**
 * The default table with config overrides laid over it. Override keys are normalized like model
 * ids, so `bedrock:us.amazon.nova-pro-v1:0` and `amazon.nova-pro` both work; missing cache
 * prices fall back to the input price (no discount assumed).
 */
export function createPriceTable(overrides: Readonly<Record<string, PriceOverride>> = {}): PriceTable {
  const prices: Record<string, ModelPrice> = { ...DEFAULT_PRICES };
  for (const [key, o] of Object.entries(overrides)) {
    prices[normalizeModelId(key)] = p(o.input, o.output, o.cacheRead ?? o.input, o.cacheWrite ?? o.input);
  }
  return new PriceTable(prices);
}

export const defaultPriceTable = new PriceTable(DEFAULT_PRICES);
