import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from './config.js';

// The README's configuration table is the user's reference: every env var the config reads is in it.
describe('README', () => {
  it('documents every configuration env var', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(ENV_VARS.map((e) => e.env).filter((e) => !readme.includes(`\`${e}\``))).toEqual([]);
  });
});
