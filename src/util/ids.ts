import { randomFillSync } from 'node:crypto';

/**
 * Time-sortable ids (48-bit ms timestamp + 80 random bits, base32 like ULID) with a readable
 * prefix, e.g. `run_01JD…`. Sorting by id sorts by creation time.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Random bytes are drawn from a pool refilled 4 KiB at a time: a turn mints several ids, and one
 * CSPRNG call per id cost more than the rest of id generation together.
 */
const POOL = Buffer.allocUnsafe(4096);
let poolAt = POOL.length;

function random(n: number): Buffer {
  if (poolAt + n > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const out = POOL.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

export function newId(prefix: string, now = Date.now()): string {
  let ts = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    ts = ALPHABET[t % 32] + ts;
    t = Math.floor(t / 32);
  }
  const bytes = random(10);
  let rand = '';
  for (let i = 0; i < 16; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const v = ((bytes[byte]! << 8) | (byte + 1 < 10 ? bytes[byte + 1]! : 0)) >> (11 - (bit & 7));
    rand += ALPHABET[v & 31];
  }
  return `${prefix}_${ts}${rand}`;
}

/** A W3C / OpenTelemetry trace id (32 lowercase hex, not all zero): the run's correlation id. */
export function newTraceId(): string {
  for (;;) {
    const id = random(16).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}
