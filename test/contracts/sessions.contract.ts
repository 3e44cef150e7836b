import { sessionStoreContract } from '../../src/memory/session-store.contract.js';
import type { MakeBackend } from './harness.js';

/** SessionStore: TTL, last N oldest-first, idempotent append per (run, role), tenant isolation. */
export function sessionsContract(name: string, make: MakeBackend): void {
  sessionStoreContract(name, async ({ ttlSeconds }) => {
    const b = await make({ sessionTtlSeconds: ttlSeconds });
    return {
      store: b.backend.sessions,
      reopen: async () => (await b.reopen()).sessions,
      close: () => b.close(),
    };
  });
}
