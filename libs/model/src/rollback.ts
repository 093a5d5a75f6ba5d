/**
 * The one rollback rule, for the manual rollback (the api) and the automatic one (the deployer) alike: what the
 * service and its new release look like after rolling back to an earlier release. Pure.
 */
import { releaseConfigOf, type Release, type ReleaseDraft } from './release';
import type { Service } from './service';

/** Who makes a release, and when. */
export interface ReleaseContext {
  actor: string;
  now: Date;
}

/**
 * The service after rolling back to `target`: it runs the target's image with the target's env, port and health
 * check. Replicas and resources stay as they are — scaling is not a code or config change, and rolling back
 * during an incident must not shrink a service that was scaled up for it. Domains stay too — a host is owned by
 * the service, not by a release, and a rollback neither drops a host that is in use nor takes back one that
 * another service owns now.
 */
export function rolledBackService(service: Service, target: Release): Service {
  return {
    ...service,
    env: structuredClone(target.config.env),
    port: target.config.port,
    healthCheck: structuredClone(target.config.healthCheck),
  };
}

/**
 * A rollback: the target's image with the config of `service` as `rolledBackService` left it. `message` says
 * why when cite rolls back by itself.
 */
export function rollbackDraft(
  service: Service,
  target: Release,
  context: ReleaseContext,
  message?: string,
): ReleaseDraft {
  return {
    image: target.image,
    ...(target.digest === undefined ? {} : { digest: target.digest }),
    ...(target.gitSha === undefined ? {} : { gitSha: target.gitSha }),
    config: releaseConfigOf(service),
    cause: 'rollback',
    rollbackOf: target.number,
    actor: context.actor,
    status: 'pending',
    ...(message === undefined ? {} : { message }),
    createdAt: context.now.toISOString(),
  };
}
