/** How a run shows its progress: a bar on a terminal, one line per step otherwise (CronJob logs, pipes). */
import { SingleBar } from 'cli-progress';
import type { Progress } from '@cite/batch';

/** A bar on `stream` (a TTY) that starts again at each step; steps without a total show as a line. */
export function terminalProgress(task: string, stream: NodeJS.WriteStream): Progress & { stop(): void } {
  let bar: SingleBar | undefined;
  let value = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    phase(label, total) {
      stop();
      value = 0;
      if (total === undefined || total === 0) {
        stream.write(`${task}: ${label}…\n`);
        return;
      }
      bar = new SingleBar({
        stream,
        format: `${task}: ${label} [{bar}] {value}/{total} {percentage}% {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
      });
      bar.start(total, 0);
    },
    advance(n = 1) {
      value += n;
      bar?.update(value);
    },
    stop,
  };
}

/** One line per step, and one per tenth of a counted step, on `stream`. */
export function lineProgress(task: string, stream: NodeJS.WritableStream): Progress & { stop(): void } {
  let label = '';
  let total = 0;
  let value = 0;
  let shown = 0;
  return {
    phase(next, count) {
      label = next;
      total = count ?? 0;
      value = 0;
      shown = 0;
      stream.write(`${task}: ${label}${total ? ` (0/${total})` : ''}\n`);
    },
    advance(n = 1) {
      value += n;
      if (total === 0) return;
      const tenth = Math.floor((value / total) * 10);
      if (tenth > shown) {
        shown = tenth;
        stream.write(`${task}: ${label} (${value}/${total})\n`);
      }
    },
    stop: () => undefined,
  };
}
