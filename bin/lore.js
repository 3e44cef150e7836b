#!/usr/bin/env node
// The `lore` command: runs the compiled CLI (dist/) in this process — no TypeScript loader, no
// second node process. A source checkout builds dist/ with `npm run build` (or runs the sources
// through tsx with `npm run lore -- …`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('lore: the compiled CLI (dist/) is missing — this looks like a source checkout.\n' + 'Run `npm run build` once, or use `npm run lore -- <command>` to run the sources through tsx.');
  process.exit(1);
}
const { main, exitAfterFlush } = await import(pathToFileURL(entry).href);
exitAfterFlush(await main(process.argv));
