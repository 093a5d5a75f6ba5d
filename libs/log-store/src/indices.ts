/**
 * Where log documents live in the search engine: daily indices, one family per kind and team, named by the UTC
 * date of the document's `@timestamp` — so retention (`cite-batch log-retention`) deletes whole indices by the
 * date in their name. Pure.
 */

export type LogKind = 'logs' | 'deploys' | 'system';

/** `YYYY.MM.DD` of `time` in UTC. */
export function indexDate(time: Date): string {
  const iso = time.toISOString();
  return `${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}`;
}

/** Index names may not contain upper case or these characters; team names never do, but say so in one place. */
function segment(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/** `cite-logs-<team>-YYYY.MM.DD`: containers of a team's services. */
export function serviceLogIndex(team: string, time: Date): string {
  return `cite-logs-${segment(team)}-${indexDate(time)}`;
}

/** `cite-deploys-<team>-YYYY.MM.DD`: releases' deploy logs. */
export function deployLogIndex(team: string, time: Date): string {
  return `cite-deploys-${segment(team)}-${indexDate(time)}`;
}

/** `cite-system-YYYY.MM.DD`: cite's own processes (api, deployer, watcher, batch). */
export function systemLogIndex(time: Date): string {
  return `cite-system-${indexDate(time)}`;
}

/** Every index of a kind (`cite-logs-*`), or of one team's (`cite-logs-payments-*`). */
export function indexPattern(kind: LogKind, team?: string): string {
  if (kind === 'system') return 'cite-system-*';
  return team === undefined ? `cite-${kind}-*` : `cite-${kind}-${segment(team)}-*`;
}
