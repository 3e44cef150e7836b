import { afterAll, beforeAll, describe } from 'vitest';
import { backends } from './backends.js';
import { backendContracts } from './index.js';

// One run of every port's contract suite per registered backend (backends.ts).
for (const entry of backends) {
  const why = entry.unavailable?.();
  const lacking = entry.lacks?.length ? ` (without ${entry.lacks.join(', ')} yet)` : '';
  describe.skipIf(why !== undefined)(`backend ${entry.name}${why ? ` (skipped: ${why})` : lacking}`, () => {
    if (entry.setup) beforeAll(entry.setup);
    if (entry.teardown) afterAll(entry.teardown);
    backendContracts(entry.name, entry.make, entry.lacks ?? []);
  });
}
