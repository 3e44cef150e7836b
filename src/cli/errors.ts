import { isLoreError } from '../errors.js';
import { describeFsError } from '../util/fs-errors.js';

/** A mistake in how the CLI was called: one line, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Print one line for user errors (stack only with --debug) and pick the exit code. */
export function reportCliError(e: unknown, debug: boolean): number {
  if (debug && e instanceof Error) console.error(e.stack);
  // ConfigError's code; checked by code so this file does not import config.ts (and zod) at start-up.
  if (isLoreError(e) && e.code === 'CONFIG_INVALID') {
    console.error(`lore: invalid configuration: ${e.message}`);
    return 2;
  }
  if (e instanceof UsageError) {
    console.error(`lore: ${e.message}`);
    return 2;
  }
  if (isLoreError(e)) {
    console.error(`lore: ${e.code}: ${e.message}`);
    return 1;
  }
  const fs = describeFsError(e);
  if (fs) {
    console.error(`lore: ${fs}`);
    return 1;
  }
  const msg = e instanceof Error ? e.message : String(e);
  console.error(`lore: ${msg}${debug ? '' : ' (run with --debug for details)'}`);
  return 1;
}

export { describeFsError } from '../util/fs-errors.js';
