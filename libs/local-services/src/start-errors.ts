/**
 * Why a server or an app did not start, typed so a caller (and a test) can tell them apart: the program could not
 * be run at all, it ended before it was ready, or it kept running without answering in time.
 */
import type { Exit } from './processes';

/** A process that did not start; `command` is the program that was run. */
export class ProcessStartError extends Error {
  constructor(
    readonly command: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

const HINTS: Record<string, string> = {
  ENOENT: 'not found; is it installed and on PATH?',
  EACCES: 'permission denied; is it an executable file?',
};

/**
 * The program could not be run at all: `spawn` failed with `code` — `ENOENT` when it is not installed (or not on
 * PATH), `EACCES` when it is not executable. Reported as soon as the operating system says so.
 */
export class SpawnError extends ProcessStartError {
  readonly code: string;

  constructor(command: string, cause: NodeJS.ErrnoException) {
    const code = cause.code ?? 'unknown';
    super(command, `${command} could not be started: ${HINTS[code] ?? cause.message} (${code})`, { cause });
    this.code = code;
  }
}

/** The program ran but ended before it was ready; `output` is the tail of what it wrote (stderr and stdout). */
export class EarlyExitError extends ProcessStartError {
  constructor(
    command: string,
    readonly exit: Exit,
    readonly output: string,
    readonly logFile: string,
  ) {
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    const tail = output
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n');
    super(
      command,
      output
        ? `${command} exited before it was ready (${how}); the end of its output (${logFile}):\n${tail}`
        : `${command} exited before it was ready (${how}) without any output (${logFile})`,
    );
  }
}

/** The program kept running but did not answer on its port within `timeoutMs`. */
export class ReadyTimeoutError extends ProcessStartError {
  constructor(
    command: string,
    readonly port: number,
    readonly timeoutMs: number,
    logFile: string,
    cause?: unknown,
  ) {
    super(
      command,
      `${command} did not answer on 127.0.0.1:${port} within ${timeoutMs} ms (log: ${logFile})`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** `waitForPort` gave up: nothing accepted a connection on the port in time. */
export class PortTimeoutError extends Error {
  constructor(
    readonly port: number,
    readonly timeoutMs: number,
  ) {
    super(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    this.name = 'PortTimeoutError';
  }
}
