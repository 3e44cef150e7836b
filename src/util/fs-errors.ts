/** File-system and listen errors in words, for the CLI and the library (Node's own text reads as a crash). */

const FS_REASONS: Record<string, string> = {
  EEXIST: 'a file of that name is in the way',
  ENOTDIR: 'part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/**
 * A file-system error (creating the data dir, opening the database, reading a file) in words,
 * with its path: Node's own message ("EEXIST: file already exists, mkdir '/x'") reads as a crash.
 */
export function describeFsError(e: unknown): string | undefined {
  const err = e as (NodeJS.ErrnoException & { address?: string; port?: number }) | undefined;
  if (err instanceof Error && err.syscall === 'listen' && typeof err.port === 'number') {
    const where = `${err.address ?? ''}:${err.port}`;
    if (err.code === 'EADDRINUSE') return `cannot listen on ${where}: the port is already in use (another \`lore serve\`?); pick another with --port`;
    if (err.code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges); pick another with --port`;
  }
  if (!(err instanceof Error) || typeof err.code !== 'string' || typeof err.path !== 'string') return undefined;
  const reason = FS_REASONS[err.code];
  if (!reason) return undefined;
  if (err.syscall === 'mkdir') return `cannot create the directory ${err.path}: ${reason} (is --data-dir / LORE_DATA_DIR / dataDir right?)`;
  return `cannot ${err.syscall ?? 'use'} ${err.path}: ${reason}`;
}
