/**
 * Who deploys a repository's branch. A service with a `repo` claims `repos/<owner>/<name>/<branch>` (its deploy
 * branch) in the transaction that stores its spec, so a push is never claimed by two services; another
 * service's claim is refused with 409 at `repo`. Changing the deploy branch moves the claim; deleting the
 * service lets it go (the deployer's deletion). Previews claim nothing: they follow their parent.
 * Pure: the caller reads the claim records and `ChangeWriter` writes the plan.
 */
import { conflictAt } from '@cite/errors';
import type { RepoClaim, Service } from '@cite/model';
import { ids, type RepoClaims, type Versioned } from '@cite/store';

export const NO_REPO_CLAIMS: RepoClaims = { claim: [], release: [] };

/** The (repo, branch) a service claims, or null when it claims none. */
export function claimedBranch(service: Service): { repo: string; branch: string } | null {
  if (!service.repo || service.preview || service.state !== 'active') return null;
  return { repo: service.repo.toLowerCase(), branch: service.deployPolicy.branch };
}

/**
 * The claims taking `service` from `before` (its stored spec; null on create) to what it claims now, given the
 * stored records of both branches. Throws `ConflictError` at `repo` when another service deploys the branch.
 */
export function planRepoClaims(
  service: Service,
  before: Service | null,
  records: { wanted: Versioned<RepoClaim> | null; previous: Versioned<RepoClaim> | null },
  now: Date,
): RepoClaims {
  const wanted = claimedBranch(service);
  const previous = before ? claimedBranch(before) : null;
  const same = wanted && previous && wanted.repo === previous.repo && wanted.branch === previous.branch;
  if (same) {
    // Claimed before this feature existed (or lost): claim it now, if nobody else did.
    if (records.wanted === null) return { claim: [claimOf(service, wanted, now)], release: [] };
    if (records.wanted.value.service !== service.name) throw taken(wanted);
    return NO_REPO_CLAIMS;
  }
  const plan: RepoClaims = { claim: [], release: [] };
  if (wanted) {
    if (records.wanted === null) plan.claim.push(claimOf(service, wanted, now));
    else if (records.wanted.value.service !== service.name) throw taken(wanted);
  }
  if (previous && records.previous?.value.service === service.name)
    plan.release.push({
      id: ids.repoClaim(previous.repo, previous.branch),
      modRevision: records.previous.modRevision,
    });
  return plan;
}

function claimOf(service: Service, branch: { repo: string; branch: string }, now: Date): RepoClaim {
  return { ...branch, service: service.name, claimedAt: now.toISOString() };
}

function taken(branch: { repo: string; branch: string }) {
  return conflictAt(
    'repo',
    `branch ${branch.branch} of ${branch.repo} is already deployed by another service; ` +
      'a repository branch deploys one service (use another branch, or previews for pull requests)',
  );
}
