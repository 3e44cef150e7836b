import { memoryStoreContract } from '../../src/memory/memory-store.contract.js';
import type { MakeBackend } from './harness.js';

/** MemoryStore: session summaries, user facts and their retention. */
export function memoryContract(name: string, make: MakeBackend): void {
  memoryStoreContract(name, async () => {
    const b = await make();
    return { store: b.backend.memory, close: () => b.close() };
  });
}
