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
