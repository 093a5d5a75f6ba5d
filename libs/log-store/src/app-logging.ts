/**
 * An app's logger: JSON lines on stdout and, with a search engine (`CITE_LOGS_URL`), the same lines in the engine
 * too, never waiting for it. One place for the wiring every app's main does.
 */
import { createLogger, type Logger } from '@cite/logging';
import { EngineTransport } from './engine-transport';
import { LogStore } from './log-store';

export interface AppLogging {
  logger: Logger;
  /** The engine, when one is configured (the app may search or write through it too). */
  logs?: LogStore;
  /** At shutdown: sends what is still queued, then closes the engine's client. */
  close(): Promise<void>;
}

export function appLogging(
  app: string,
  options: { level: Parameters<typeof createLogger>[0]['level']; logsUrl?: string },
): AppLogging {
  const logs = options.logsUrl ? LogStore.connect({ url: options.logsUrl }) : undefined;
  const transport = logs ? new EngineTransport(app, logs) : undefined;
  const logger = createLogger({
    app,
    level: options.level,
    ...(transport ? { transports: [transport] } : {}),
  });
  return {
    logger,
    ...(logs ? { logs } : {}),
    async close() {
      await transport?.flush();
      await logs?.close();
    },
  };
}
