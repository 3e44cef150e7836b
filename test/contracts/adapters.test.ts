import { afterAll, beforeAll, describe } from 'vitest';
import { knowledgeStoreContract } from '../../src/memory/knowledge-store.contract.js';
import { knowledgeTrustContract } from '../../src/memory/knowledge-trust.contract.js';
import { useDynamoLocal } from '../dynamo-local.js';
import { knowledgeAdapters } from './adapters.js';

// The knowledge contract suites over the single-port adapters (adapters.ts).
const ddb = useDynamoLocal();

for (const entry of knowledgeAdapters(ddb)) {
  describe(`knowledge adapter ${entry.name}`, () => {
    if (entry.setup) beforeAll(entry.setup);
    if (entry.teardown) afterAll(entry.teardown);
    knowledgeStoreContract(entry.name, entry.make);
    knowledgeTrustContract(entry.name, entry.make);
  });
}
