import { memoryStoreContract } from '../../src/memory/memory-store.contract.js';
import { DynamoMemoryStore } from '../../src/stores/dynamodb/memory-store.js';
import { useDynamoLocal } from '../dynamo-local.js';
import { freshTables } from './dynamo-fixture.js';

const ddb = useDynamoLocal();

// The same contract the SQLite adapter passes (src/stores/sqlite/memory-store.test.ts).
memoryStoreContract('dynamodb', async () => ({ store: new DynamoMemoryStore(await freshTables(ddb, ['memory'])), close: async () => {} }));
