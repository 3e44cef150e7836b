import type { Backend } from '../../src/backend.js';
import type { Embedder } from '../../src/memory/embedder.js';

/**
 * The contract-suite harness: every suite in this folder takes a `MakeBackend` and runs the same
 * scenarios over whatever backend it builds, the way one suite runs over every SQL dialect.
 * A backend registers itself once in backends.ts; nothing else changes to test a new adapter.
 */

/** One backend, fresh and empty, built for one test. */
export interface BackendUnderTest {
  backend: Backend;
  /**
   * Move the backend's clock forward by `ms`: the factory gave the stores a clock (BackendOptions.now)
   * that this advances. A backend whose time cannot be faked (a remote queue) may sleep instead.
   */
  advance(ms: number): Promise<void>;
  /** Put a raw body on a queue, bypassing the adapter's encoding (a poison message from elsewhere). */
  sendRaw(queue: string, text: string): Promise<{ id: string }>;
  /** Close this bundle and open a new one on the same storage (durability: what was acknowledged is still there). */
  reopen(): Promise<Backend>;
  /** Close the backend and remove what the factory created (temp files, tables). */
  close(): Promise<void>;
}

export interface MakeBackendOptions {
  /** Session turn lifetime (default 3600). */
  sessionTtlSeconds?: number;
  /** The clock's start (epoch ms); default: the real time. */
  startAt?: number;
  /** Hybrid search (knowledge suites run with and without one). */
  embedder?: Embedder;
}

export type MakeBackend = (options?: MakeBackendOptions) => Promise<BackendUnderTest>;

/** A port a backend does not provide yet: its suites (and the tests that need it) are skipped, not failed. */
export type Lack = 'knowledge' | 'queue';

export interface BackendEntry {
  /** Shown in every suite's title: `RunStore contract: sqlite`. */
  name: string;
  make: MakeBackend;
  /** Why the backend cannot run here (e.g. no Java for DynamoDB Local); undefined = run it. */
  unavailable?: () => string | undefined;
  /** Ports this backend does not provide yet (e.g. DynamoDB before its knowledge and queue adapters land). */
  lacks?: readonly Lack[];
  /** One-time setup/teardown for the whole file (start a local server, …). */
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
}

/** A clock the factory hands to the backend: real time plus an offset, or a fixed start. */
export function testClock(startAt?: number): { now: () => number; advance: (ms: number) => void } {
  let offset = 0;
  const base = startAt;
  return {
    now: () => (base !== undefined ? base + offset : Date.now() + offset),
    advance: (ms) => void (offset += ms),
  };
}
