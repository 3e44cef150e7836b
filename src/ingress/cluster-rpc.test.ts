import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { rpcPeer, RpcError, type IpcChannel } from './cluster-rpc.js';

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

function link(): [IpcChannel, IpcChannel] {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const side = (p: MessagePort): IpcChannel => ({ send: (m) => p.postMessage(m), on: (e, l) => p.on(e, l) });
  return [side(port1), side(port2)];
}

describe('rpcPeer', () => {
  it('calls both ways and matches concurrent answers to their calls', async () => {
    const [a, b] = link();
    const primary = rpcPeer(a, { double: (p) => 2 * (p as { n: number }).n });
    const worker = rpcPeer(b, { slow: async (p) => new Promise((r) => setTimeout(() => r(p), 20)), fast: (p) => p });
    const [x, y, z] = await Promise.all([worker.call('double', { n: 21 }), primary.call('slow', 'first'), primary.call('fast', 'second')]);
    expect([x, y, z]).toEqual([42, 'first', 'second']);
  });

  it('rejects with the handler error, an unknown method, or a timeout', async () => {
    const [a, b] = link();
    rpcPeer(a, {
      boom: () => {
        throw new Error('handler failed');
      },
      never: () => new Promise(() => {}),
    });
    const worker = rpcPeer(b);
    await expect(worker.call('boom')).rejects.toThrow(new RpcError('handler failed'));
    await expect(worker.call('nope')).rejects.toThrow(/no handler for nope/);
    await expect(worker.call('never', undefined, 20)).rejects.toThrow(/no answer to never within 20 ms/);
  });

  it('ignores messages that are not its own (other IPC traffic shares the channel)', async () => {
    const [a, b] = link();
    const seen: unknown[] = [];
    rpcPeer(a, { echo: (p) => p });
    b.on('message', (m) => seen.push(m));
    a.send({ cmd: 'lore:stop' }); // e.g. the supervisor's own messages
    const worker = rpcPeer(b);
    expect(await worker.call('echo', [1, 2])).toEqual([1, 2]);
    expect(seen[0]).toEqual({ cmd: 'lore:stop' });
  });
});
