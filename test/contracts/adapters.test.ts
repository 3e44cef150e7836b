import { afterAll, beforeAll, describe } from 'vitest';
import { queueContract } from '../../src/jobs/queue.contract.js';
import { knowledgeStoreContract } from '../../src/memory/knowledge-store.contract.js';
import { knowledgeTrustContract } from '../../src/memory/knowledge-trust.contract.js';
import { useDynamoLocal } from '../dynamo-local.js';
import { knowledgeAdapters, queueAdapters } from './adapters.js';

// The knowledge and queue contract suites over the single-port adapters (adapters.ts).
const ddb = useDynamoLocal();

for (const entry of knowledgeAdapters(ddb)) {
  describe(`knowledge adapter ${entry.name}`, () => {
    if (entry.setup) beforeAll(entry.setup);
    if (entry.teardown) afterAll(entry.teardown);
    knowledgeStoreContract(entry.name, entry.make);
    knowledgeTrustContract(entry.name, entry.make);
  });
}

for (const entry of queueAdapters) {
  describe(`queue adapter ${entry.name}`, () => {
    queueContract(entry.name, entry.make);
  });
}
