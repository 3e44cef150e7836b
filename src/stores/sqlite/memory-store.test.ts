import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { memoryStoreContract } from '../../memory/memory-store.contract.js';
import { openDatabase } from './database.js';
import { SqliteMemoryStore } from './memory-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

memoryStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lore-memory-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'lore.db'));
  return { store: new SqliteMemoryStore(db), close: async () => void db.close() };
});
