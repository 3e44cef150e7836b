import { toLoreError } from '../errors.js';
import type { RunEvent, RunResult } from '../workflow/types.js';
import { AguiMapper, encodeSse, type AguiEvent } from './agui.js';
import type { AppDeps } from './deps.js';
import { errorResponse } from './http.js';

export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' };

export const wantsEventStream = (accept: string | undefined): boolean => (accept ?? '').includes('text/event-stream');

/**
 * Stream a run as AG-UI events over SSE: a new turn (POST /chat) or a parked one continuing after
 * a decision (POST /approvals/:id). The run is not tied to the connection: a client that goes away
 * stops receiving, but the run finishes and is readable at GET /runs/:id.
 */
export function streamRun(
  deps: AppDeps,
  ids: { sessionId: string; runId: string },
  run: (onEvent: (e: RunEvent) => void) => Promise<RunResult>,
  headers: Record<string, string>,
): Response {
  const encoder = new TextEncoder();
  const mapper = new AguiMapper(ids.sessionId, ids.runId);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start: (ctl) => {
      controller = ctl;
    },
    cancel: () => {
      open = false;
    },
  });
  const send = (events: AguiEvent[]) => {
    if (!open || events.length === 0) return;
    try {
      controller.enqueue(encoder.encode(events.map(encodeSse).join('')));
    } catch {
      open = false;
    }
  };
  void (async () => {
    try {
      const result = await run((e) => send(mapper.map(e)));
      send(mapper.finish(result));
    } catch (e) {
      const err = toLoreError(e);
      deps.logger?.error({ err: e, runId: ids.runId }, 'streamed run failed');
      send(mapper.fail(errorResponse(err).body.error));
    } finally {
      if (open) {
        open = false;
        controller.close();
      }
    }
  })();
  return new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
}
