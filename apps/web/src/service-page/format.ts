/** How the Service page writes times, images and commits. Pure. */

/**
 * `just now`, `45 s ago`, `3 min ago`, `2 h ago`, `5 d ago`; a date beyond 30 days; `in …` only for a time more
 * than five minutes ahead (a clock that is wrong): the page's clock ticks now and then, so what just happened can
 * be a little ahead of it, and is `just now`.
 */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const diff = Math.round((now - at) / 1000);
  if (diff < 10 && diff > -300) return 'just now';
  const ahead = diff < 0;
  const s = Math.abs(diff);
  const say = (amount: string) => (ahead ? `in ${amount}` : `${amount} ago`);
  if (s < 60) return say(`${s} s`);
  const m = Math.floor(s / 60);
  if (m < 60) return say(`${m} min`);
  const h = Math.floor(m / 60);
  if (h < 24) return say(`${h} h`);
  const d = Math.floor(h / 24);
  if (d <= 30) return say(`${d} d`);
  return new Date(at).toISOString().slice(0, 10);
}

/** `1.2 s`, `48 s`, `3 min 12 s`, `1 h 5 min`: how long from `start` to `end`; undefined when not both known. */
export function duration(start: string | undefined, end: string | undefined): string | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  if (Number.isNaN(ms) || ms < 0) return undefined;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * The short name of a deployed image: its tag (`1.4.2`), or its digest cut to 12 hex digits
 * (`sha256:4f2a9c1b2d3e`) when it has no tag.
 */
export function imageLabel(image: string): string {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) return name.slice(colon + 1);
  if (digest) {
    const [algorithm, hex = ''] = digest.split(':');
    return `${algorithm}:${hex.slice(0, 12)}`;
  }
  return image;
}

export const shortSha = (sha: string): string => sha.slice(0, 7);

/** The commit on GitHub, when the service names its repository. */
export function commitUrl(repo: string | undefined, sha: string): string | undefined {
  return repo ? `https://github.com/${repo}/commit/${sha}` : undefined;
}

export function pullRequestUrl(repo: string | undefined, pullRequest: number): string | undefined {
  return repo ? `https://github.com/${repo}/pull/${pullRequest}` : undefined;
}

/** The CSS class for a release status. */
export function statusClass(status: string): string {
  if (status === 'succeeded') return 'status-ok';
  if (status === 'failed') return 'status-bad';
  if (status === 'superseded') return 'muted';
  return 'status-warn';
}

/** `in_progress` → `in progress`. */
export const statusText = (status: string): string => status.replace(/_/g, ' ');
