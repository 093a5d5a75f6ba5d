/**
 * The claims a change to a service writes with its spec: its domains (`domain-claims.ts`) and the repository
 * branch it deploys (`repo-claims.ts`), planned from the records read in one go.
 */
import type { Service } from '@cite/model';
import type { ChangeWriter, DomainClaims, RepoClaims } from '@cite/store';
import { hostsToRead, planDomainClaims } from './domain-claims';
import { claimedBranch, planRepoClaims } from './repo-claims';

/** The claims that take a service from `before` (as stored; null on create) to `service`. */
export async function claimsFor(
  writer: ChangeWriter,
  before: Service | null,
  service: Service,
  now: Date,
): Promise<{ claims: DomainClaims; repoClaims: RepoClaims }> {
  const hosts = before?.domains ?? [];
  const wanted = claimedBranch(service);
  const previous = before && claimedBranch(before);
  const [records, wantedClaim, previousClaim] = await Promise.all([
    writer.domainRecords(hostsToRead(hosts, service.domains)),
    wanted ? writer.repoClaim(wanted.repo, wanted.branch) : null,
    previous ? writer.repoClaim(previous.repo, previous.branch) : null,
  ]);
  return {
    claims: planDomainClaims(service, hosts, records, now),
    repoClaims: planRepoClaims(service, before, { wanted: wantedClaim, previous: previousClaim }, now),
  };
}
