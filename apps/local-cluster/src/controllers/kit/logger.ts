/** The logging the controllers need; a winston logger from `@cite/logging` satisfies it. */
import { createLogger } from '@cite/logging';

export interface ControllerLogger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export function defaultControllerLogger(): ControllerLogger {
  return createLogger({ app: 'local-cluster', level: 'warn', defaultMeta: { component: 'controllers' } });
}
