/**
 * Request/response over a node:cluster IPC channel, both ways: a worker asks the primary (the
 * shared rate limit, a trace or the metrics of every process) and the primary asks each worker
 * (its spans, its metrics). Each end answers the methods it has handlers for; a call that gets no
 * answer in time rejects, so a stuck or dead peer costs a timeout, never a hang.
 */

/** What both ends need of the channel: `process` in a worker, a cluster `Worker` in the primary. */
export interface IpcChannel {
  send(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

export type RpcHandlers = Record<string, (params: unknown) => unknown>;

export interface RpcPeer {
  /** Rejects with an RpcError when the peer has no such method, fails, or does not answer in time. */
  call<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
}

export class RpcError extends Error {
  override readonly name = 'RpcError';
}

interface Request {
  lore: 'rpc';
  id: number;
  method: string;
  params: unknown;
}

type Reply = { lore: 'rpc.result'; id: number; ok: true; result: unknown } | { lore: 'rpc.result'; id: number; ok: false; error: string };

const isRequest = (m: unknown): m is Request => (m as Request | null)?.lore === 'rpc' && typeof (m as Request).method === 'string';
const isReply = (m: unknown): m is Reply => (m as Reply | null)?.lore === 'rpc.result' && typeof (m as Reply).id === 'number';

export const DEFAULT_RPC_TIMEOUT_MS = 250;

export function rpcPeer(channel: IpcChannel, handlers: RpcHandlers = {}): RpcPeer {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  const reply = (r: Reply) => {
    try {
      channel.send(r);
    } catch {
      // The caller is gone; nobody is waiting for this answer.
    }
  };

  channel.on('message', (m) => {
    if (isReply(m)) {
      const p = pending.get(m.id);
      if (!p) return; // answered after its timeout
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new RpcError(m.error));
      return;
    }
    if (!isRequest(m)) return;
    const handler = handlers[m.method];
    if (!handler) return reply({ lore: 'rpc.result', id: m.id, ok: false, error: `no handler for ${m.method}` });
    void (async () => {
      try {
        reply({ lore: 'rpc.result', id: m.id, ok: true, result: await handler(m.params) });
      } catch (e) {
        reply({ lore: 'rpc.result', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
      }
    })();
  });

  return {
    call<T>(method: string, params?: unknown, timeoutMs = DEFAULT_RPC_TIMEOUT_MS): Promise<T> {
      const id = ++nextId;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new RpcError(`no answer to ${method} within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        try {
          channel.send({ lore: 'rpc', id, method, params } satisfies Request);
        } catch (e) {
          pending.delete(id);
          clearTimeout(timer);
          reject(new RpcError(`cannot send ${method}: ${e instanceof Error ? e.message : String(e)}`));
        }
      });
    },
  };
}
