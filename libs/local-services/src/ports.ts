/** Free loopback ports, and waiting until one answers. */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PortTimeoutError } from './start-errors';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves once 127.0.0.1:`port` accepts a connection; rejects with `PortTimeoutError` after `timeoutMs`, and
 * with the abort reason as soon as `signal` aborts.
 */
export async function waitForPort(port: number, timeoutMs = 15_000, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new PortTimeoutError(port, timeoutMs);
    await sleep(50, undefined, signal ? { signal } : {});
  }
}
