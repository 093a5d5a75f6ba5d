/**
 * Following a release to its verdict on `…/releases/<n>/events`: a bar on a terminal (updated of desired pods,
 * with the deployer's message), plain lines when piped. Answers the `done` event's data.
 */
import { SingleBar } from 'cli-progress';
import type { ApiClient } from './client';

export interface Verdict {
  status: string;
  message?: string;
  failureReason?: string;
}

interface Progress {
  message?: string;
  replicas?: { desired: number; updated: number; ready: number; available: number };
}

export async function followRelease(
  client: ApiClient,
  service: string,
  number: number,
  stream: NodeJS.WritableStream & { isTTY?: boolean },
): Promise<Verdict> {
  const tty = Boolean(stream.isTTY);
  let bar: SingleBar | undefined;
  let lastLine = '';
  let verdict: Verdict = { status: 'unknown', message: 'the event stream ended before the verdict' };
  const line = (text: string) => {
    if (text === lastLine) return;
    lastLine = text;
    stream.write(`${text}\n`);
  };
  await client.events(`/services/${encodeURIComponent(service)}/releases/${number}/events`, {}, (event) => {
    const data = JSON.parse(event.data || '{}') as Record<string, unknown>;
    if (event.event === 'status') {
      const status = String(data['status']);
      if (!tty) line(`release ${number}: ${status}${data['message'] ? ` — ${String(data['message'])}` : ''}`);
    } else if (event.event === 'progress') {
      const progress = data as Progress;
      if (tty) {
        const total = Math.max(progress.replicas?.desired ?? 1, 1);
        const message = (progress.message ?? '').slice(0, 60);
        if (!bar) {
          bar = new SingleBar({
            stream,
            format: `release ${number} [{bar}] {value}/{total} pods updated  {message}`,
            barsize: 24,
            hideCursor: true,
            clearOnComplete: false,
          });
          bar.start(total, 0, { message });
        }
        bar.setTotal(total);
        bar.update(progress.replicas?.updated ?? 0, { message });
      } else if (progress.replicas) {
        const r = progress.replicas;
        line(
          `release ${number}: ${r.updated}/${r.desired} updated, ${r.ready} ready, ${r.available} available`,
        );
      } else if (progress.message) {
        line(`release ${number}: ${progress.message}`);
      }
    } else if (event.event === 'done') {
      verdict = data as unknown as Verdict;
      return 'stop';
    }
    return undefined;
  });
  bar?.stop();
  return verdict;
}
