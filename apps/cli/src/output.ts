/**
 * What the CLI prints: tables for people (cli-table3 without borders, like kubectl), `--json` for machines, colours
 * only on a terminal (and never with NO_COLOR), and each failure as one line on stderr.
 */
import Table from 'cli-table3';
import { createColors } from 'picocolors';
import { CliError, EXIT, type ExitCode } from './errors';

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** For prompts: the terminal's input. */
  in: NodeJS.ReadableStream & { isTTY?: boolean };
}

export function colorsFor(io: Io) {
  return createColors(Boolean(io.out.isTTY) && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb');
}

const BLANK = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** Rows under upper-case headings, columns padded, nothing else. */
export function table(headings: string[], rows: (string | number | undefined | null)[][]): string {
  const t = new Table({
    head: headings.map((h) => h.toUpperCase()),
    chars: BLANK,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows)
    t.push(row.map((cell) => (cell === undefined || cell === null ? '' : String(cell))));
  return `${t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/** `key  value` lines, keys padded. */
export function fields(pairs: [string, string | number | undefined | null][]): string {
  const width = Math.max(...pairs.map(([key]) => key.length));
  return `${pairs
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${String(value)}`)
    .join('\n')}\n`;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** "3m", "2h", "5d" since `time`. */
export function age(time: string | undefined, now = Date.now()): string {
  if (!time) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(time)) / 1000));
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** The one line a failure prints: the message, and each field at fault as the API named it. */
export function failureLine(error: unknown): { line: string; code: ExitCode } {
  if (error instanceof CliError) {
    // The fields at fault, unless a field only repeats the message.
    const fields = error.details
      .filter((d) => d.message !== error.message)
      .map((d) => `${d.path}: ${d.message}`)
      .join('; ');
    return { line: `cite: ${error.message}${fields ? ` (${fields})` : ''}`, code: error.exitCode };
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return { line: `cite: ${message}`, code: EXIT.failed };
}

/** Writes and waits until it is flushed (a pipe takes large output in chunks; an exit would cut it). */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text === '') return resolve();
    stream.write(text, () => resolve());
  });
}
