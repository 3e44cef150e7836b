import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteBackend, type SqliteBackend } from '../../src/stores/sqlite/backend.js';
import { newId } from '../../src/util/ids.js';
import { testClock, type BackendEntry, type MakeBackend } from './harness.js';

/**
 * Every backend the contract suites run over. To add one, append an entry whose `make` builds a
 * fresh, empty bundle (e.g. DynamoDB Local tables with a unique prefix) and whose `unavailable`
 * says why it cannot run on this machine, if it cannot.
 */

const makeSqlite: MakeBackend = async (o = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'lore-contract-'));
  const path = join(dir, 'lore.db');
  const clock = testClock(o.startAt);
  const open = (): SqliteBackend =>
    createSqliteBackend({ path, sessionTtlSeconds: o.sessionTtlSeconds ?? 3600, now: clock.now, ...(o.embedder ? { embedder: o.embedder } : {}) });
  let backend = open();
  return {
    get backend() {
      return backend;
    },
    async advance(ms) {
      clock.advance(ms);
    },
    async sendRaw(queue, text) {
      const id = newId('msg', clock.now());
      const t = clock.now();
      backend.db.prepare(`INSERT INTO queue_messages (id, queue, body, receive_count, visible_at, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?)`).run(id, queue, text, t, t, t);
      return { id };
    },
    async reopen() {
      await backend.close();
      backend = open();
      return backend;
    },
    async close() {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const backends: BackendEntry[] = [{ name: 'sqlite', make: makeSqlite }];
