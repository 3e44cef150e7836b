import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { rpcPeer, type IpcChannel } from './cluster-rpc.js';
import { createRateLimiter } from './rate-limit.js';
import { rateLimitHandlers, remoteRateLimiter } from './shared-rate-limit.js';

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

/** Both ends of a real message channel, standing in for the primary's Worker handle and the worker's process. */
function link(): { primarySide: IpcChannel; workerSide: IpcChannel } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const side = (p: MessagePort): IpcChannel => ({ send: (m) => p.postMessage(m), on: (e, l) => p.on(e, l) });
  return { primarySide: side(port1), workerSide: side(port2) };
}

describe('shared rate limit (the cluster primary holds the buckets)', () => {
  it('counts every worker against one limit per key', async () => {
    const handlers = rateLimitHandlers(createRateLimiter(3));
    const workers = [link(), link()].map(({ primarySide, workerSide }) => {
      rpcPeer(primarySide, handlers);
      return remoteRateLimiter(rpcPeer(workerSide), { fallback: createRateLimiter(3) });
    });
    // Alternate workers as round-robin connections would: 3 tokens in total, not 3 each.
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await workers[i % 2]!.take('t\u0000alice'));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false, false]);
    expect(results[3]).toMatchObject({ ok: false, retryAfterSeconds: 20 });
    // Another user has their own bucket.
    expect(await workers[1]!.take('t\u0000bob')).toEqual({ ok: true });
  });

  it('answers concurrent takes each with its own result', async () => {
    const { primarySide, workerSide } = link();
    rpcPeer(primarySide, rateLimitHandlers(createRateLimiter(5)));
    const limiter = remoteRateLimiter(rpcPeer(workerSide), { fallback: createRateLimiter(5) });
    const results = await Promise.all(Array.from({ length: 8 }, () => limiter.take('k')));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });

  it('decides locally, and says so, when the primary does not answer in time', async () => {
    const { workerSide } = link(); // nobody serves the other end
    const reasons: string[] = [];
    const limiter = remoteRateLimiter(rpcPeer(workerSide), { fallback: createRateLimiter(1), timeoutMs: 20, onFallback: (r) => reasons.push(r) });
    expect(await limiter.take('k')).toEqual({ ok: true });
    expect(await limiter.take('k')).toMatchObject({ ok: false });
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/no answer to rate-limit.take within 20 ms/);
  });

  it('decides locally when the channel is closed', async () => {
    const closed: IpcChannel = {
      send: () => {
        throw new Error('channel closed');
      },
      on: () => {},
    };
    const reasons: string[] = [];
    const limiter = remoteRateLimiter(rpcPeer(closed), { fallback: createRateLimiter(1), onFallback: (r) => reasons.push(r) });
    expect(await limiter.take('k')).toEqual({ ok: true });
    expect(reasons[0]).toMatch(/cannot send rate-limit.take: channel closed/);
  });
});
