import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LoreError } from '../../errors.js';
import { restoreDatabase } from './backup.js';
import { openDatabase } from './database.js';

const dir = mkdtempSync(join(tmpdir(), 'lore-restore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('restoreDatabase errors', () => {
  it('names the file the operator gave, not the private copy it checked', () => {
    const dbPath = join(dir, 'lore.db');
    openDatabase(dbPath).close();
    const cases: Array<[string, (p: string) => void, RegExp]> = [
      ['junk.db', (p) => writeFileSync(p, 'garbage\n'), /is not a (readable )?SQLite database/],
      ['plain.db', (p) => new Database(p).exec('CREATE TABLE t (x)').close(), /is not a Lore database/],
    ];
    for (const [name, make, what] of cases) {
      const file = join(dir, name);
      make(file);
      const err = (() => {
        try {
          restoreDatabase(file, dbPath);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(LoreError);
      expect((err as LoreError).code).toBe('VALIDATION_FAILED');
      expect((err as Error).message).toMatch(what);
      expect((err as Error).message.startsWith(`${file} `)).toBe(true);
      expect((err as Error).message).not.toContain('.restoring-');
    }
    // Nothing was left beside the database.
    expect(readdirSync(dir).filter((f) => f.includes('.restoring-'))).toEqual([]);
  });
});
