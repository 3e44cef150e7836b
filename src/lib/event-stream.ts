import { toLoreError } from '../errors.js';
import { AguiMapper, type AguiEvent } from '../ingress/agui.js';
import type { RunEvent, RunResult } from '../workflow/types.js';

/** A run's AG-UI events as an async iterable, plus the run's result once it settles. */
export interface RunStream extends AsyncIterable<AguiEvent> {
  /** The run's result (resolves after the last event; rejects only if the run could not start). */
  readonly result: Promise<RunResult>;
}

/**
 * The same AG-UI events `POST /chat` streams over SSE (one AguiMapper, shared with the server),
 * delivered to an in-process consumer. The run starts at once and does not wait for the consumer:
 * events are buffered, and breaking out of the loop stops delivery, not the (durable) run.
 */
export function runEvents(ids: { sessionId: string; runId: string }, run: (onEvent: (e: RunEvent) => void) => Promise<RunResult>): RunStream {
  const mapper = new AguiMapper(ids.sessionId, ids.runId);
  const buffer: AguiEvent[] = [];
  let done = false;
  let wake: (() => void) | undefined;
  const push = (events: AguiEvent[]) => {
    buffer.push(...events);
    wake?.();
  };
  const result = run((e) => push(mapper.map(e))).then(
    (r) => {
      push(mapper.finish(r));
      return r;
    },
    (e: unknown) => {
      const err = toLoreError(e);
      push(mapper.fail({ code: err.code, message: err.message }));
      throw e;
    },
  );
  // The error reaches the iterator as a RUN_ERROR event; `result` rejects for whoever awaits it.
  const settled = result.then(
    () => undefined,
    () => undefined,
  ).finally(() => {
    done = true;
    wake?.();
  });
  void settled;
  return {
    result,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (buffer.length) yield buffer.shift()!;
        if (done) return;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    },
  };
}
