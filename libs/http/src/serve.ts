import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '@cite/logging';

export interface RunningServer {
  server: Server;
  port: number;
  /** True from the first shutdown signal on; /readyz answers 503 meanwhile. */
  shuttingDown(): boolean;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then runs the cleanups. */
  close(): Promise<void>;
}

export interface ServeOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Run after the server stopped (close stores, queues, clients), in order. */
  cleanups?: (() => Promise<void> | void)[];
  graceMs?: number;
}

/** Listens, and returns a handle whose `close()` performs a graceful shutdown. */
export async function serve(app: Express, options: ServeOptions): Promise<RunningServer> {
  let stopping = false;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopping = true;
      const graceMs = options.graceMs ?? 10_000;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      for (const cleanup of options.cleanups ?? []) {
        try {
          await cleanup();
        } catch (error) {
          options.logger.warn('cleanup failed during shutdown', { error });
        }
      }
    })();
    return closing;
  };
  return { server, port, shuttingDown: () => stopping, close };
}

/** SIGTERM/SIGINT → graceful close, then exit 0; a second signal or a hung close exits at once. */
export function exitOnSignals(close: () => Promise<void>, logger: Logger, hardLimitMs = 15_000): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(1);
    received = true;
    logger.info('shutting down', { signal });
    setTimeout(() => process.exit(1), hardLimitMs).unref();
    close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
