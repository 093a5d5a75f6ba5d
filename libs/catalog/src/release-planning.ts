/**
 * What release a change makes, decided without I/O: a deploy (new image, current config), a config change
 * or a scale (same image as the release it builds on, new config). A rollback follows the one rollback rule
 * (`rolledBackService`, `rollbackDraft` in `@cite/model`), which the deployer's automatic rollback shares.
 * Every release records the config it runs with, so history only grows and any release can be returned to.
 */
import { InputError, invalidField } from '@cite/errors';
import {
  applyServicePatch,
  releaseConfigOf,
  type Release,
  type ReleaseCause,
  type ReleaseContext,
  type ReleaseDraft,
  type Service,
  type ServicePatch,
} from '@cite/model';
import { isDeepStrictEqual } from 'node:util';
import type { DeployImage } from './deploy-image';
import type { ScaleRequest } from './requests';

/** A deploy: the given image with the service's current config. */
export function deployDraft(
  service: Service,
  image: DeployImage,
  gitSha: string | undefined,
  context: ReleaseContext,
): ReleaseDraft {
  return {
    image: image.image,
    ...(image.digest === undefined ? {} : { digest: image.digest }),
    ...(gitSha === undefined ? {} : { gitSha }),
    config: releaseConfigOf(service),
    cause: 'deploy',
    actor: context.actor,
    status: 'pending',
    createdAt: context.now.toISOString(),
  };
}

/** A config or scale change: the image of `base` with the service's (new) config. */
export function changeDraft(
  service: Service,
  base: Release,
  cause: Extract<ReleaseCause, 'config' | 'scale'>,
  context: ReleaseContext,
): ReleaseDraft {
  return {
    image: base.image,
    ...(base.digest === undefined ? {} : { digest: base.digest }),
    ...(base.gitSha === undefined ? {} : { gitSha: base.gitSha }),
    config: releaseConfigOf(service),
    cause,
    actor: context.actor,
    status: 'pending',
    createdAt: context.now.toISOString(),
  };
}

/**
 * The release a config or scale change builds on: the newest one, since it is what the service is heading
 * to — unless it failed, in which case the running one (its image is known to work); the newest when
 * nothing ever ran. Null when the service has no release yet (the change then only updates the spec).
 */
export function baseRelease(latest: Release | null, running: Release | null): Release | null {
  if (latest === null) return null;
  if (latest.status === 'failed' && running !== null) return running;
  return latest;
}

/** Whether the part of the spec a release runs with changed (env, resources, replicas, port, probes, domains). */
export function releaseConfigChanged(before: Service, after: Service): boolean {
  return !isDeepStrictEqual(releaseConfigOf(before), releaseConfigOf(after));
}

/** The service after a scale request, validated whole; issues are reported at the request's own paths. */
export function scaleService(service: Service, request: ScaleRequest): Service {
  if (request.replicas === undefined && request.cpu === undefined && request.memory === undefined) {
    throw invalidField('body', 'give at least one of replicas, cpu or memory');
  }
  const patch: ServicePatch = {
    ...(request.replicas === undefined ? {} : { replicas: request.replicas }),
    resources: {
      ...(request.cpu === undefined ? {} : { cpu: request.cpu }),
      ...(request.memory === undefined ? {} : { memory: request.memory }),
    },
  };
  try {
    return applyServicePatch(service, patch);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const details = error.details.map((d) => ({ ...d, path: d.path.replace(/^resources\./, '') }));
    throw new InputError(error.message.replace('resources.', ''), { details, cause: error });
  }
}
