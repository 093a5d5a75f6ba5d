/**
 * A service: what a team registers once and cite keeps running. `ServiceSchema` is the stored record
 * (`services/<name>` in etcd and the API's read model); `ServiceCreateSchema` and `ServicePatchSchema` are
 * what the API accepts.
 */
import { z } from 'zod';
import { githubRepoErrors } from './git';
import {
  checkedString,
  PortSchema,
  SequenceNumberSchema,
  ServiceNameSchema,
  TeamNameSchema,
  TimestampSchema,
} from './fields';
import { imageRepositoryErrors } from './image';
import { parseOrThrow } from './parse';
import {
  DEFAULT_DEPLOY_POLICY,
  DEFAULT_HEALTH_CHECK,
  DEFAULT_RESOURCES,
  DeployPolicyInputSchema,
  DeployPolicyPatchSchema,
  DeployPolicySchema,
  DomainsSchema,
  EnvInputSchema,
  EnvSchema,
  HealthCheckInputSchema,
  HealthCheckPatchSchema,
  HealthCheckSchema,
  LabelsSchema,
  ReplicasSchema,
  ResourcesInputSchema,
  ResourcesPatchSchema,
  ResourcesSchema,
} from './spec';

export const ServiceState = z.enum(['active', 'deleting', 'deleted']);

/** What links a preview service to its parent and its pull request. */
export const PreviewSchema = z.object({
  parent: ServiceNameSchema,
  pullRequest: z.number().int().min(1),
  /** The pull request's head branch. */
  branch: z.string().min(1).max(255),
});
export type Preview = z.infer<typeof PreviewSchema>;
export type ServiceState = z.infer<typeof ServiceState>;

/**
 * The fields a team declares. `name` is a DNS-1035 label of at most 63 characters — the Kubernetes Service,
 * Deployment and Ingress carry it. Preview services are named `<service>-pr-<n>`; the limit is not lowered
 * for them, so whoever derives a preview name must shorten a long base name to fit the 63 characters.
 */
const declaredShape = {
  name: ServiceNameSchema,
  /** Owning team; objects live in namespace `cite-<team>`. */
  team: TeamNameSchema,
  /** The GitHub repository (`owner/name`) whose pushes and pull requests drive deploys. */
  repo: checkedString(githubRepoErrors).optional(),
  /** Image repository without tag or digest (`registry.local:5000/team/app`); releases add the tag. */
  image: checkedString(imageRepositoryErrors),
  /** Container port the app listens on. */
  port: PortSchema,
  replicas: ReplicasSchema,
  resources: ResourcesSchema,
  env: EnvSchema,
  healthCheck: HealthCheckSchema,
  domains: DomainsSchema,
  deployPolicy: DeployPolicySchema,
  /** Roll back to the last good release when a rollout fails. */
  autoRollback: z.boolean(),
  labels: LabelsSchema,
};

export const ServiceSchema = z
  .object({
    ...declaredShape,
    state: ServiceState,
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
    /** When deletion finished; present exactly when `state` is `deleted`. */
    deletedAt: TimestampSchema.optional(),
    /** The release now running (the last one that succeeded). */
    currentRelease: SequenceNumberSchema.optional(),
    /** Set on a pull request's preview service (`<parent>-pr-<n>`), which cite makes and removes itself. */
    preview: PreviewSchema.optional(),
  })
  .superRefine((service, ctx) => {
    if (service.state === 'deleted' && service.deletedAt === undefined) {
      ctx.addIssue({ code: 'custom', path: ['deletedAt'], message: "required when state is 'deleted'" });
    }
    if (service.state !== 'deleted' && service.deletedAt !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['deletedAt'], message: "allowed only when state is 'deleted'" });
    }
  });
export type Service = z.infer<typeof ServiceSchema>;

/**
 * What `POST /services` takes: the declared fields, unknown keys refused, defaults filled — replicas 1,
 * cpu 100m/500m, memory 128Mi/256Mi, health check on `/` with Kubernetes' probe timings, deploy policy
 * branch `main` with auto-deploy on and previews off, auto-rollback on, no env, domains or labels.
 */
export const ServiceCreateSchema = z.strictObject({
  ...declaredShape,
  replicas: ReplicasSchema.default(1),
  resources: ResourcesInputSchema.prefault({}),
  env: EnvInputSchema.default(() => []),
  healthCheck: HealthCheckInputSchema.prefault({}),
  domains: DomainsSchema.default(() => []),
  deployPolicy: DeployPolicyInputSchema.prefault({}),
  autoRollback: z.boolean().default(true),
  labels: LabelsSchema.default(() => ({})),
});
/** A validated create request with defaults filled. */
export type ServiceCreate = z.output<typeof ServiceCreateSchema>;
/** What a client may send to create a service. */
export type ServiceCreateInput = z.input<typeof ServiceCreateSchema>;

/**
 * What `PATCH /services/<name>` takes: any of env, resources, replicas, port, healthCheck, domains,
 * autoRollback, deployPolicy. `env` and `domains` replace the whole list; `resources`, `healthCheck` and
 * `deployPolicy` merge field by field. Apply with `applyServicePatch`.
 */
export const ServicePatchSchema = z.strictObject({
  env: EnvInputSchema.optional(),
  resources: ResourcesPatchSchema.optional(),
  replicas: ReplicasSchema.optional(),
  port: PortSchema.optional(),
  healthCheck: HealthCheckPatchSchema.optional(),
  domains: DomainsSchema.optional(),
  autoRollback: z.boolean().optional(),
  deployPolicy: DeployPolicyPatchSchema.optional(),
});
export type ServicePatch = z.output<typeof ServicePatchSchema>;

/**
 * The service after `patch`, validated whole, so a rule that spans fields (cpu request ≤ limit after only
 * the limit changed) is reported at the field's path (`resources.cpu.request`). Throws `InputError`.
 * Timestamps are the caller's to set.
 */
export function applyServicePatch(service: Service, patch: ServicePatch): Service {
  const merged = {
    ...service,
    ...definedOnly({
      env: patch.env,
      replicas: patch.replicas,
      port: patch.port,
      domains: patch.domains,
      autoRollback: patch.autoRollback,
    }),
    resources: {
      cpu: { ...service.resources.cpu, ...definedOnly(patch.resources?.cpu ?? {}) },
      memory: { ...service.resources.memory, ...definedOnly(patch.resources?.memory ?? {}) },
    },
    healthCheck: { ...service.healthCheck, ...definedOnly(patch.healthCheck ?? {}) },
    deployPolicy: { ...service.deployPolicy, ...definedOnly(patch.deployPolicy ?? {}) },
  };
  return parseOrThrow(ServiceSchema, merged, 'service');
}

/** The stored record for a validated create request, in state `active`. */
export function newService(create: ServiceCreate, now: string): Service {
  return parseOrThrow(
    ServiceSchema,
    { ...create, state: 'active', createdAt: now, updatedAt: now },
    'service',
  );
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** The defaults `ServiceCreateSchema` fills, for forms and documentation. */
export const SERVICE_DEFAULTS = {
  replicas: 1,
  resources: DEFAULT_RESOURCES,
  healthCheck: DEFAULT_HEALTH_CHECK,
  deployPolicy: DEFAULT_DEPLOY_POLICY,
  autoRollback: true,
} as const;
