import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from './config.js';

// The README's configuration table is the user's reference: every env var the config reads is in it.
describe('README', () => {
  it('documents every configuration env var', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(ENV_VARS.map((e) => e.env).filter((e) => !readme.includes(`\`${e}\``))).toEqual([]);
  });

  // A lore.config.ts takes settings by their config path (`modelCall.apiKey`), which the env var's
  // name does not tell: each env var's row names its key.
  it('names the config file key of every env var in its row', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((l) => l.startsWith('| `'));
    const missing = ENV_VARS.filter((e) => !rows.some((r) => r.split(' | ')[0]!.includes(`\`${e.env}\``) && r.includes(`\`${e.path}\``)));
    expect(missing.map((e) => `${e.env} → ${e.path}`)).toEqual([]);
  });
});
