import { describe, expect, it } from 'vitest';
import { newId, newTraceId } from './ids.js';

describe('ids', () => {
  it('newId: prefix, 26 base32 characters, sortable by time, unique across pool refills', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => newId('run', 1_700_000_000_000 + i));
    for (const id of ids) expect(id).toMatch(/^run_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // Same millisecond: still unique (80 random bits each, drawn past several 4 KiB refills).
    const same = Array.from({ length: 2000 }, () => newId('t', 1_700_000_000_000));
    expect(new Set(same).size).toBe(same.length);
  });

  it('newTraceId: 32 lowercase hex, unique', () => {
    const ids = Array.from({ length: 1000 }, () => newTraceId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
