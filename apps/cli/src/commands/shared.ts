/** What the command files share: argument parsers, the tables of pods and releases, and following a release. */
import { followRelease } from '../deploy-progress';
import { CliError, EXIT } from '../errors';
import { age, table, write } from '../output';
import type { Session } from '../session';
import type { Pod, Release } from '../types';

/** Registers an action that answers an exit code (void: 0). */
export type Act = <A extends unknown[]>(
  fn: (s: Session, ...args: A) => Promise<number | void>,
) => (...args: A) => Promise<void>;

export const collect = (value: string, previous: string[]) => [...previous, value];
export const enc = encodeURIComponent;

export function integer(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value))
      throw new CliError(`${name} must be a whole number, got "${value}"`, EXIT.usage);
    return Number(value);
  };
}

/** `K=V` pairs → env entries; a pair without `=` is a usage error naming it. */
export function parsePairs(pairs: string[], what = 'env'): { name: string; value: string }[] {
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`${what} "${pair}" must be NAME=value`, EXIT.usage);
    return { name: pair.slice(0, at), value: pair.slice(at + 1) };
  });
}

/** `30s`, `5m`, `2h`, `1d`, or seconds → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new CliError(`--since "${text}" must be a duration like 30s, 5m, 2h or 1d`, EXIT.usage);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

export function podsTable(pods: Pod[]): string {
  if (pods.length === 0) return 'no pods\n';
  return table(
    ['pod', 'phase', 'ready', 'restarts', 'node', 'ip', 'age', 'reason'],
    pods.map((p) => [
      p.name,
      p.phase,
      p.ready ? 'yes' : 'no',
      p.restarts,
      p.node,
      p.ip,
      age(p.createdAt),
      p.waitingReason,
    ]),
  );
}

export function releasesTable(releases: Release[]): string {
  return table(
    ['#', 'status', 'image', 'cause', 'by', 'age', 'reason'],
    releases.map((r) => [
      r.number,
      r.status,
      r.image,
      r.cause === 'rollback' && r.rollbackOf ? `rollback to ${r.rollbackOf}` : r.cause,
      r.actor,
      age(r.createdAt),
      r.failureReason,
    ]),
  );
}

export async function waitForVerdict(session: Session, name: string, release: Release): Promise<number> {
  const verdict = await followRelease(session.api(), name, release.number, session.io.err);
  if (session.options.json)
    await session.print(`${JSON.stringify({ release: release.number, ...verdict })}\n`);
  if (verdict.status === 'succeeded') {
    if (!session.options.json) await session.print(`release ${release.number} succeeded\n`);
    return EXIT.ok;
  }
  const reason = [verdict.failureReason, verdict.message].filter(Boolean).join(': ');
  await write(
    session.io.err,
    `cite: release ${release.number} ${verdict.status}${reason ? `: ${reason}` : ''}\n`,
  );
  return EXIT.failed;
}
