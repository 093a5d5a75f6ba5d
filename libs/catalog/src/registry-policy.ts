/**
 * Which registries a team's images may come from. An empty policy allows every registry; a team's own list,
 * when it has one, replaces the global list for that team. Admins are not bound (they set the policy). Pure.
 */
import type { Principal } from '@cite/auth';
import { ForbiddenError } from '@cite/errors';
import { parseImageReference } from '@cite/model';

export interface RegistryPolicy {
  /** Registries (`host[:port]`) any team may use; empty: any registry. */
  global: readonly string[];
  /** Per team, the registries it may use instead of the global list. */
  teams: Readonly<Record<string, readonly string[]>>;
}

export const ANY_REGISTRY: RegistryPolicy = { global: [], teams: {} };

/** Docker's rule: the first path component is a registry when it has a `.` or a `:` or is `localhost`. */
export function registryOf(image: string): string {
  const repository = parseImageReference(image)?.repository ?? image;
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  return first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first.toLowerCase()
    : 'docker.io';
}

/** The registries `team` may use; empty means any. */
export function allowedRegistries(policy: RegistryPolicy, team: string): readonly string[] {
  return policy.teams[team] ?? policy.global;
}

/** Throws `ForbiddenError` at `path` when a member of `team` may not run `image`. */
export function assertRegistryAllowed(
  policy: RegistryPolicy,
  principal: Principal,
  team: string,
  image: string,
  path: string,
): void {
  if (principal.role === 'admin') return;
  const allowed = allowedRegistries(policy, team);
  const registry = registryOf(image);
  if (allowed.length === 0 || allowed.includes(registry)) return;
  const message = `images of team ${team} must come from ${allowed.join(', ')}; ${registry} is not allowed`;
  throw new ForbiddenError(message, { details: [{ path, message }] });
}
