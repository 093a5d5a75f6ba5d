/**
 * "Whose IP is this?": the answer of `GET /api/v1/network/ips/:ip` turned into what the page says. A pod or a
 * node's own address is found; 404 is a free address of the pool (the API's message names its range and node);
 * 400 is an address outside the pool; anything else is a failure to show as it came. Pure.
 */
import type { IpView } from '@cite/catalog';
import { ApiError } from '../api';

export type LookupOutcome =
  | { kind: 'pod'; view: Extract<IpView, { kind: 'pod' }> }
  | { kind: 'node'; view: Extract<IpView, { kind: 'node' }> }
  | { kind: 'free'; ip: string; message: string }
  | { kind: 'outside'; ip: string; message: string }
  | { kind: 'error'; ip: string; message: string };

/** What to show for the lookup of `ip` that answered `view` or failed with `error`. */
export function lookupOutcome(ip: string, answer: { view: IpView } | { error: unknown }): LookupOutcome {
  if ('view' in answer) {
    return answer.view.kind === 'pod'
      ? { kind: 'pod', view: answer.view }
      : { kind: 'node', view: answer.view };
  }
  const { error } = answer;
  if (error instanceof ApiError) {
    if (error.status === 404) return { kind: 'free', ip, message: error.message };
    if (error.status === 400) return { kind: 'outside', ip, message: error.message };
    return { kind: 'error', ip, message: `${error.message} (HTTP ${error.status})` };
  }
  return { kind: 'error', ip, message: error instanceof Error ? error.message : String(error) };
}

/** The API path that answers for `ip` (already checked with `checkIpv4`). */
export const lookupPath = (ip: string): string => `/network/ips/${encodeURIComponent(ip)}`;
