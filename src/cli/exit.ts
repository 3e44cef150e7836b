/**
 * Exit once stdout and stderr have flushed. Writes to a pipe are asynchronous in Node, so a bare
 * process.exit() right after printing a large result (`lore dlq list --json` with a big message,
 * `lore backup` reports) cut the output at 64 KiB for whoever reads the pipe.
 */
export function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * A reader that went away (`lore serve | head`, a log shipper that crashed) turns the next write
 * to stdout/stderr into EPIPE; unhandled, that error killed `lore serve` on its next log line, or
 * on the "finishing in-flight requests" line of SIGTERM, skipping the graceful drain. A server
 * outlives its log reader: broken-pipe writes are dropped, any other stream error still throws.
 */
export function surviveBrokenPipes(): void {
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
}
