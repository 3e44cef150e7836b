import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, readTree, violations } from './rules.js';

// The layer rules hold over src/ (they run in `npm test`, and so in CI).
describe('dependency rules', () => {
  const src = readTree(fileURLToPath(new URL('../../src/', import.meta.url)));

  it('src/ breaks none of them', () => {
    expect(Object.keys(src).length).toBeGreaterThan(100);
    expect(violations(src)).toEqual([]);
  });

  it('catches each kind of violation (a check that cannot fail proves nothing)', () => {
    const bad = {
      'ingress/app.ts': `import { SqliteQueue } from '../stores/sqlite/queue.js';`,
      'workflow/engine.ts': `const m = await import('../stores/sqlite/gdpr.js');`,
      'memory/fence.ts': `import type { X } from '../agent/learning-tags.js';`,
      'memory/jobs.ts': `export { y } from '../workflow/types.js';`,
      'telemetry/stats.ts': `import Database from 'better-sqlite3';`,
      'guardrails/x.ts': `import type { A } from '@aws-sdk/client-bedrock-runtime';`,
    };
    expect(violations(bad).map((v) => v.from).sort()).toEqual(Object.keys(bad).sort());
    const fine = {
      'server.ts': `import { createSqliteBackend } from './stores/sqlite/backend.js';`,
      'cli/commands/backup.ts': `await import('../../stores/sqlite/backup.js');`,
      'stores/sqlite/run-store.ts': `import type { RunStore } from '../../workflow/run-store.js';\nimport Database from 'better-sqlite3';`,
      'models/bedrock.ts': `import { X } from '@aws-sdk/client-bedrock-runtime';`,
      'memory/chunker.ts': `// see stores/sqlite/knowledge-store.ts\nimport { a } from './normalize.js';`,
      'ingress/app.test.ts': `import { SqliteQueue } from '../stores/sqlite/queue.js';`,
    };
    expect(violations(fine)).toEqual([]);
  });

  it('resolves relative imports to src paths and keeps package names', () => {
    expect(importsOf('cli/commands/x.ts', `import a from '../../stores/sqlite/db.js';\nimport 'zod';\nimport { b } from "node:fs";`)).toEqual(['stores/sqlite/db.ts', 'zod']);
  });
});
