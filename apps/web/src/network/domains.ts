/**
 * The domains list as the page shows it: narrowed to the team the pages are scoped to, and each domain's
 * owner and conflict in words. Pure.
 */
import type { Domain } from '@cite/model';

/**
 * The namespace of a team's services: `cite-<team>` (`teamNamespace` of `@cite/model`, which the web app may
 * not import as a value).
 */
export const teamNamespaceOf = (team: string): string => `cite-${team}`;

/** The domains of `team`'s namespace; all of them when no team is picked. */
export function domainsOfTeam(domains: readonly Domain[], team: string | undefined): Domain[] {
  if (team === undefined) return [...domains];
  const namespace = teamNamespaceOf(team);
  return domains.filter((domain) => domain.namespace === namespace);
}

/** Who owns the host: a cite service (linked), or an Ingress outside cite. */
export function ownerOf(domain: Domain): { service: string } | { ingress: string } {
  if (domain.service !== undefined) return { service: domain.service };
  return { ingress: domain.ingress ?? 'an Ingress outside cite' };
}

/** Counts the domains with a conflicting claim. */
export const conflictCount = (domains: readonly Domain[]): number =>
  domains.filter((domain) => domain.conflict !== undefined).length;
