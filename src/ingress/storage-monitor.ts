import type { Logger } from '../telemetry/logger.js';
import type { Counter, Gauge, LoreMetrics } from '../telemetry/metrics.js';
import type { Backend } from '../backend.js';
import { storageFaultOf, type StorageHealth, type StorageHealthOptions } from '../storage-faults.js';

/**
 * The database's StorageHealth as `lore serve` runs it: each state change is an operator event
 * (`storage_unavailable` at error level with the reason, `storage_recovered` at info), and the
 * metrics `lore_storage_available` (1/0) and `lore_storage_faults_total{reason}` (every fault a
 * request or job met) let an alert fire on a full disk before users report 503s.
 */
export interface StorageMonitorOptions {
  metrics?: LoreMetrics;
  logger?: Logger;
  probeIntervalMs?: number;
  /**
   * While degraded, probe on a timer this often (default 5 s) so recovery does not wait for a
   * health check to be polled; 0 = no timer.
   */
  recheckMs?: number;
  /** Storage accepts writes again (resume the runs a fault left in flight). */
  onRecovered?: () => void;
}

/** A backend without a fault probe: storage counts as up; faults requests meet are still counted. */
const alwaysUp = (): StorageHealth => ({ check: () => ({ ok: true, checkedAt: Date.now() }), report: (e) => storageFaultOf(e) !== undefined });

export function createStorageMonitor(backend: Pick<Backend, 'storageHealth'>, o: StorageMonitorOptions = {}): StorageHealth & { close(): void } {
  const r = o.metrics?.registry;
  const available = r ? ((r.get('lore_storage_available') as Gauge | undefined) ?? r.gauge({ name: 'lore_storage_available', help: '1 while the database accepts writes, 0 while a storage fault lasts', labelNames: [] })) : undefined;
  const faults = r ? ((r.get('lore_storage_faults_total') as Counter | undefined) ?? r.counter({ name: 'lore_storage_faults_total', help: 'Requests or jobs that met a storage fault, by reason', labelNames: ['reason'] })) : undefined;
  available?.set({}, 1);
  let timer: NodeJS.Timeout | undefined;
  const stopTimer = () => {
    clearInterval(timer);
    timer = undefined;
  };
  let closed = false;
  const probe = (opts: StorageHealthOptions) => (backend.storageHealth ? backend.storageHealth(opts) : alwaysUp());
  const health = probe({
    ...(o.probeIntervalMs !== undefined ? { probeIntervalMs: o.probeIntervalMs } : {}),
    onChange: (s) => {
      available?.set({}, s.ok ? 1 : 0);
      if (s.ok) {
        stopTimer();
        o.logger?.info({ event: 'storage_recovered' }, 'storage: the database accepts writes again');
        o.onRecovered?.();
        return;
      }
      const every = o.recheckMs ?? 5000;
      if (!timer && every > 0) {
        timer = setInterval(() => (closed ? stopTimer() : health.check()), every);
        timer.unref();
      }
      o.logger?.error(
        { event: 'storage_unavailable', reason: s.reason, sqliteCode: s.sqliteCode },
        `storage: ${s.reason.replace('_', ' ')} (${s.sqliteCode}); requests that write answer 503 STORAGE_UNAVAILABLE until it clears`,
      );
    },
  });
  return {
    close: () => {
      closed = true;
      stopTimer();
    },
    check: () => health.check(),
    report(e) {
      const f = storageFaultOf(e);
      if (f) faults?.inc({ reason: f.reason });
      return health.report(e);
    },
  };
}
