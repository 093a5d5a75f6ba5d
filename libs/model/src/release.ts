/**
 * A release: an immutable record per service (`releases/<service>/<number>` in etcd) of what was deployed,
 * with which config, why and by whom, and how it ended. A rollback is a new release copying an earlier one's
 * image and config (Heroku's model), so history only grows.
 */
import { z } from 'zod';
import {
  ActorSchema,
  checkedString,
  PortSchema,
  SequenceNumberSchema,
  ServiceNameSchema,
  TimestampSchema,
} from './fields';
import { isGitSha } from './git';
import { isImageDigest, pinnedImageReferenceErrors } from './image';
import type { Service } from './service';
import { DomainsSchema, EnvSchema, HealthCheckSchema, ReplicasSchema, ResourcesSchema } from './spec';

export const ReleaseStatus = z.enum(['pending', 'in_progress', 'succeeded', 'failed', 'superseded']);
export type ReleaseStatus = z.infer<typeof ReleaseStatus>;

export const ReleaseCause = z.enum(['deploy', 'rollback', 'config', 'scale', 'preview']);
export type ReleaseCause = z.infer<typeof ReleaseCause>;

/** Statuses a release never leaves. */
export const TERMINAL_RELEASE_STATUSES: readonly ReleaseStatus[] = ['succeeded', 'failed', 'superseded'];

export const isTerminalReleaseStatus = (status: ReleaseStatus): boolean =>
  TERMINAL_RELEASE_STATUSES.includes(status);

const TRANSITIONS: Record<ReleaseStatus, readonly ReleaseStatus[]> = {
  pending: ['in_progress', 'failed', 'superseded'],
  in_progress: ['succeeded', 'failed', 'superseded'],
  succeeded: [],
  failed: [],
  superseded: [],
};

/**
 * Whether a release may move from `from` to `to`: `pending → in_progress → succeeded | failed | superseded`;
 * a queued release may also fail (its image cannot be resolved) or be superseded before it starts.
 */
export const canTransitionRelease = (from: ReleaseStatus, to: ReleaseStatus): boolean =>
  TRANSITIONS[from].includes(to);

/** The part of a service's spec a release runs with, frozen at release time. */
export const ReleaseConfigSchema = z.object({
  port: PortSchema,
  replicas: ReplicasSchema,
  resources: ResourcesSchema,
  env: EnvSchema,
  healthCheck: HealthCheckSchema,
  domains: DomainsSchema,
});
export type ReleaseConfig = z.infer<typeof ReleaseConfigSchema>;

/** The config snapshot of `service` as it is now (copies; later changes to the service do not leak in). */
export function releaseConfigOf(service: Service): ReleaseConfig {
  return structuredClone({
    port: service.port,
    replicas: service.replicas,
    resources: service.resources,
    env: service.env,
    healthCheck: service.healthCheck,
    domains: service.domains,
  });
}

export const ReleaseSchema = z
  .object({
    service: ServiceNameSchema,
    /** Allocated 1, 2, 3, … per service by an etcd transaction. */
    number: SequenceNumberSchema,
    /** The full reference deployed, with a tag, a digest or both (`registry.local:5000/team/app:4f2a9c1`). */
    image: checkedString(pinnedImageReferenceErrors),
    /** The image's content digest once the registry resolved it (`sha256:…`). */
    digest: checkedString((value) =>
      isImageDigest(value)
        ? []
        : ['must be a content digest (e.g. sha256: followed by 64 lowercase hex digits)'],
    ).optional(),
    /** The commit built, 7–40 lowercase hex digits. */
    gitSha: checkedString((value) =>
      isGitSha(value) ? [] : ['must be 7-40 lowercase hex digits'],
    ).optional(),
    /** The branch the commit was pushed to, when a push or a pull request made the release. */
    gitRef: z.string().min(1).max(255).optional(),
    /** The commit's time as GitHub reported it: a delayed delivery of an older commit does not roll back. */
    gitCommittedAt: TimestampSchema.optional(),
    config: ReleaseConfigSchema,
    cause: ReleaseCause,
    actor: ActorSchema,
    /** For cause `rollback`: the earlier release whose image and config this one copies. */
    rollbackOf: SequenceNumberSchema.optional(),
    status: ReleaseStatus,
    /** Human-readable progress or outcome. */
    message: z.string().max(4096).optional(),
    /** Machine-readable reason for `failed` (`ProgressDeadlineExceeded`, `ImagePullBackOff`, …). */
    failureReason: z.string().max(256).optional(),
    createdAt: TimestampSchema,
    startedAt: TimestampSchema.optional(),
    finishedAt: TimestampSchema.optional(),
  })
  .superRefine((release, ctx) => {
    if (release.cause === 'rollback' && release.rollbackOf === undefined) {
      ctx.addIssue({ code: 'custom', path: ['rollbackOf'], message: "required when cause is 'rollback'" });
    }
    if (release.cause !== 'rollback' && release.rollbackOf !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rollbackOf'],
        message: "allowed only when cause is 'rollback'",
      });
    }
    if (release.rollbackOf !== undefined && release.rollbackOf >= release.number) {
      ctx.addIssue({ code: 'custom', path: ['rollbackOf'], message: 'must name an earlier release' });
    }
  });
export type Release = z.infer<typeof ReleaseSchema>;

/** A release before it is stored: the store adds `service` and allocates `number`. */
export type ReleaseDraft = Omit<Release, 'number' | 'service'>;
