import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// With the SQLite bundled in better-sqlite3 12 (3.53) a bare bound `LIMIT ?` (or `LIMIT @x`) costs
// about a re-prepare on every run (~2.5 µs on a small query, more on a large one; measured);
// `LIMIT CAST(? AS INTEGER)` returns the same rows without it. Every statement of the SQLite
// stores binds its limit and offset that way.
describe('SQLite statements bind LIMIT and OFFSET as an integer expression', () => {
  it('has no bare bound LIMIT/OFFSET in any SQLite store file', () => {
    const dir = new URL('./', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const code = readFileSync(new URL(file, dir), 'utf8').replace(/\/\/.*$/gm, '');
      expect(code.match(/\b(LIMIT|OFFSET)\s+[?@:$]/g) ?? [], file).toEqual([]);
    }
  });
});
