import { queueContract } from '../../src/jobs/queue.contract.js';
import type { MakeBackend } from './harness.js';

/**
 * Queue: visibility timeout, receive count, DLQ after maxReceiveCount (3), redrive, and a corrupt
 * message dead-lettered alone without poisoning its batch (src/jobs/queue.contract.ts).
 */
export function queueBackendContract(name: string, make: MakeBackend): void {
  queueContract(name, async (o) => {
    const b = await make({ startAt: 1_000_000 });
    return {
      queue: b.backend.queue({ name: o.name, maxReceiveCount: o.maxReceiveCount, ...(o.decode ? { decode: o.decode } : {}) }),
      sendRaw: (text) => b.sendRaw(o.name, text),
      advance: (ms) => b.advance(ms),
      close: () => b.close(),
    };
  });
}
