export { createLogger, requestIdFrom, type Logger, type LoggerOptions } from './logger';
