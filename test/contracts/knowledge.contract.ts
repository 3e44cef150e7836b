import { knowledgeStoreContract, type KnowledgeStoreFactory } from '../../src/memory/knowledge-store.contract.js';
import { knowledgeTrustContract } from '../../src/memory/knowledge-trust.contract.js';
import type { MakeBackend } from './harness.js';

/** KnowledgeStore: ranking, tenant filter, supersession with history, delete/restore, trust. */
export function knowledgeContract(name: string, make: MakeBackend): void {
  const factory: KnowledgeStoreFactory = async () => {
    const b = await make();
    return {
      store: b.backend.knowledge,
      reopen: async () => (await b.reopen()).knowledge,
      close: () => b.close(),
    };
  };
  knowledgeStoreContract(name, factory);
  knowledgeTrustContract(name, factory);
}
