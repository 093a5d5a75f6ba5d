/** A release's verdict as the CLI gets it: `GET …/releases/:n/events` (SSE) followed to its `done` event. */

export interface Verdict {
  status: string;
  message: string;
}

/** The `data` of one SSE event block if it is the `done` event, else undefined. */
function doneData(block: string): Verdict | undefined {
  const lines = block.split('\n');
  if (!lines.includes('event: done')) return undefined;
  const data = lines
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim())
    .join('\n');
  return JSON.parse(data) as Verdict;
}

/** Follows the release's event stream to its `done` event; fails after `timeoutMs`. */
export async function verdictOf(
  base: string,
  token: string,
  service: string,
  release: number,
  timeoutMs = 60_000,
): Promise<Verdict> {
  const res = await fetch(`${base}/api/v1/services/${service}/releases/${release}/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok || !res.body) throw new Error(`events of ${service}#${release}: ${res.status}`);
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of res.body) {
    pending += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const verdict = doneData(pending.slice(0, end));
      pending = pending.slice(end + 2);
      if (!verdict) continue;
      void res.body.cancel().catch(() => undefined);
      return verdict;
    }
  }
  throw new Error(`events of ${service}#${release} ended without done`);
}
