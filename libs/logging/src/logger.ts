import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import winston from 'winston';

export type Logger = winston.Logger;

export interface LoggerOptions {
  /** The app writing (api, deployer, watcher, …); on every line as `app`. */
  app: string;
  level?: 'error' | 'warn' | 'info' | 'http' | 'debug';
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  stream?: Writable;
  /** Fields on every line (version, host, …). */
  defaultMeta?: Record<string, unknown>;
  /** More places for the same lines besides stdout (the search engine's transport, `@cite/log-store`). */
  transports?: winston.transport[];
}

/** Field names whose values never reach a log line, at any depth. */
const SECRET_FIELDS =
  /^(authorization|cookie|set-cookie|password|secret|webhookSecret|token|adminToken|apiKey|x-hub-signature(-256)?)$/i;
const REDACTED = '[redacted]';

function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_FIELDS.test(k) ? REDACTED : redact(v, depth + 1);
  return out;
}

const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_FIELDS.test(key)) info[key] = REDACTED;
    else if (typeof info[key] === 'object') info[key] = redact(info[key]);
  }
  return info;
});

const stampTime = winston.format((info) => {
  info['time'] = new Date().toISOString();
  return info;
});

/** A JSON-lines logger: one object per line with time, level, app, message and fields; secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { app: options.app, ...options.defaultMeta },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      redactSecrets(),
      stampTime(),
      winston.format.json(),
    ),
    transports: [transport, ...(options.transports ?? [])],
  });
}

/** A request id: the caller's `X-Request-Id` when it is sane, a new UUID otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}
