/** Embedding storage: unit-length Float32 vectors in a BLOB, so cosine similarity is a dot product. */

export function encodeVector(v: readonly number[]): Buffer {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  const f = Float32Array.from(v, (x) => x / norm);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
}

export function decodeVector(blob: Uint8Array): Float32Array {
  // Copy: SQLite's buffer need not be 4-byte aligned, which Float32Array views require.
  return new Float32Array(Uint8Array.from(blob).buffer);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}
