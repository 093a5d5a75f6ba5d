/**
 * Who owns a host. A service claims each of its domains in etcd (`domains/<host>`) in the same transaction that
 * stores its spec; a host another service owns is refused (409 at `domains.<i>`); a host the service drops is
 * let go in that transaction too, and its deletion lets go of the rest (the deployer's `releasedByDeletion`).
 * Pure: the caller reads the records and `ChangeWriter` (`@cite/store`) writes the plan.
 */
import { conflictAt } from '@cite/errors';
import { teamNamespace, type Domain, type Service } from '@cite/model';
import type { DomainClaims, Versioned } from '@cite/store';

export const NO_CLAIMS: DomainClaims = { claim: [], release: [] };

/** Every host a change touches: the records to read before planning it. */
export function hostsToRead(before: readonly string[], after: readonly string[]): string[] {
  return [...new Set([...before, ...after])];
}

/**
 * The claims that take `service` from `before` (the hosts of its stored spec; empty on create) to its own
 * `domains`, given the stored records of every host in `hostsToRead`. Throws `ConflictError` at `domains.<i>`
 * for a host another service owns — without naming it, since it may belong to another team.
 */
export function planDomainClaims(
  service: Service,
  before: readonly string[],
  records: ReadonlyMap<string, Versioned<Domain> | null>,
  now: Date,
): DomainClaims {
  const claims: DomainClaims = { claim: [], release: [] };
  service.domains.forEach((host, index) => {
    const record = records.get(host) ?? null;
    if (record === null) {
      claims.claim.push({
        host,
        service: service.name,
        namespace: teamNamespace(service.team),
        paths: ['/'],
        targets: [],
        updatedAt: now.toISOString(),
      });
    } else if (record.value.service === undefined) {
      throw conflictAt(
        `domains.${index}`,
        `domain ${host} is already served by an Ingress that cite does not manage`,
      );
    } else if (record.value.service !== service.name) {
      throw conflictAt(`domains.${index}`, `domain ${host} is already used by another service`);
    }
  });
  const wanted = new Set(service.domains);
  for (const host of before) {
    const record = records.get(host) ?? null;
    if (!wanted.has(host) && record !== null && record.value.service === service.name) {
      claims.release.push({ host, modRevision: record.modRevision });
    }
  }
  return claims;
}
