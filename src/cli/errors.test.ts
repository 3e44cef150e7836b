import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { describeFsError, reportCliError } from './errors.js';

describe('CLI errors from the file system', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lore-cli-errors-'));
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, 'x');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    throw new Error('expected a throw');
  };

  it('a data dir that is a file, or under one, is named in words with a hint (not "EEXIST: file already exists, mkdir …")', () => {
    // The same calls the SQLite store makes for --data-dir.
    expect(describeFsError(thrown(() => mkdirSync(file, { recursive: true })))).toBe(
      `cannot create the directory ${file}: a file of that name is in the way (is --data-dir / LORE_DATA_DIR / dataDir right?)`,
    );
    expect(describeFsError(thrown(() => mkdirSync(join(file, 'x'), { recursive: true })))).toMatch(/^cannot create the directory .*not-a-dir.*: part of the path is a file, not a directory/);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(reportCliError(thrown(() => mkdirSync(file, { recursive: true })), false)).toBe(1);
      expect(spy.mock.calls[0]![0]).toMatch(/^lore: cannot create the directory /);
      expect(String(spy.mock.calls[0]![0])).not.toContain('EEXIST');
    } finally {
      spy.mockRestore();
    }
  });

  it('a port in use is named, with what to do', async () => {
    const { createServer } = await import('node:net');
    const a = createServer();
    await new Promise<void>((r) => a.listen(0, '127.0.0.1', r));
    const port = (a.address() as { port: number }).port;
    const b = createServer();
    const err = await new Promise<unknown>((r) => {
      b.once('error', r);
      b.listen(port, '127.0.0.1');
    });
    a.close();
    expect(describeFsError(err)).toBe(`cannot listen on 127.0.0.1:${port}: the port is already in use (another \`lore serve\`?); pick another with --port`);
  });

  it('anything else keeps its message', () => {
    expect(describeFsError(new Error('boom'))).toBeUndefined();
    expect(describeFsError(Object.assign(new Error('x'), { code: 'EWEIRD', path: '/x', syscall: 'open' }))).toBeUndefined();
  });
});
