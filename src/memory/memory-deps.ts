import type { LoreConfig } from '../config.js';
import type { MemoryStore } from './memory-store.js';

/** Retention of each kind of memory for one tenant, in seconds. */
export interface Retention {
  turnSeconds: number;
  summarySeconds: number;
  userFactSeconds: number;
}

/** Long-term memory settings and store, built once by the runtime (README "Memory"). */
export interface MemoryDeps {
  store: MemoryStore;
  retention: (tenantId: string) => Retention;
  summary: { enabled: boolean; windowTokens: number; batchTurns: number; maxTokens: number; finaliseIdleSeconds: number; finaliseWaitMs: number };
  userMemory: { enabled: boolean; maxFacts: number; pastSummaries: number };
}

export function memoryDepsFrom(config: LoreConfig, store: MemoryStore): MemoryDeps {
  const m = config.memory;
  return {
    store,
    retention: (tenantId) => {
      const o = m.retention.tenants[tenantId] ?? {};
      return {
        turnSeconds: o.turnSeconds ?? m.sessionTtlSeconds,
        summarySeconds: o.summarySeconds ?? m.retention.summarySeconds,
        userFactSeconds: o.userFactSeconds ?? m.retention.userFactSeconds,
      };
    },
    summary: { ...m.summary },
    userMemory: { ...m.userMemory },
  };
}
