/**
 * The parts of a service's spec — resources, environment, health check, domains, deploy policy, labels —
 * each as a stored schema (tolerant of unknown keys, as an older reader meets a newer writer's value) and,
 * where the API takes it, as a strict input schema that fills defaults and rejects unknown keys.
 */
import { z } from 'zod';
import { branchNameErrors } from './git';
import { DEFAULT_TAG_TEMPLATE, tagTemplateErrors } from './tag-template';
import { checkedString, countSchema, hostnameSchema, resourceAmountSchema } from './fields';
import { envVarNameErrors, labelKeyErrors, labelValueErrors } from './names';
import { compareQuantities, isQuantity } from './quantity';

// ---------------------------------------------------------------- resources

export const DEFAULT_RESOURCES = {
  cpu: { request: '100m', limit: '500m' },
  memory: { request: '128Mi', limit: '256Mi' },
} as const;

type ResourceName = keyof typeof DEFAULT_RESOURCES;

/** Kubernetes' rule: a request must not exceed its limit. The issue sits on `request`. */
function requestWithinLimit(resource: ResourceName) {
  return (pair: { request?: string | undefined; limit?: string | undefined }, ctx: z.RefinementCtx) => {
    const { request, limit } = pair;
    if (request === undefined || limit === undefined || !isQuantity(request) || !isQuantity(limit)) return;
    if (compareQuantities(request, limit) > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['request'],
        message: `must be less than or equal to ${resource} limit of ${limit}`,
      });
    }
  };
}

const pairShape = (resource: ResourceName) => ({
  request: resourceAmountSchema(resource),
  limit: resourceAmountSchema(resource),
});

const ResourcePairSchema = (resource: ResourceName) =>
  z.object(pairShape(resource)).superRefine(requestWithinLimit(resource));

/** Requests and limits for cpu (> 0, whole millicores) and memory (> 0, whole bytes), request ≤ limit. */
export const ResourcesSchema = z.object({
  cpu: ResourcePairSchema('cpu'),
  memory: ResourcePairSchema('memory'),
});
export type Resources = z.infer<typeof ResourcesSchema>;

/**
 * Input form of one pair, everything optional. A missing request becomes the default request, lowered to the
 * limit if the limit is smaller; a missing limit becomes the default limit, raised to the request if the
 * request is larger — so `{ cpu: { request: '2' } }` means request 2, limit 2 rather than an error.
 */
function resourcePairInput(resource: ResourceName) {
  const fallback = DEFAULT_RESOURCES[resource];
  const min = (a: string, b: string) => (compareQuantities(a, b) <= 0 ? a : b);
  const max = (a: string, b: string) => (compareQuantities(a, b) >= 0 ? a : b);
  return z
    .strictObject(pairShape(resource))
    .partial()
    .transform(({ request, limit }) => ({
      request:
        request ??
        (limit !== undefined && isQuantity(limit) ? min(fallback.request, limit) : fallback.request),
      limit:
        limit ??
        (request !== undefined && isQuantity(request) ? max(fallback.limit, request) : fallback.limit),
    }))
    .superRefine(requestWithinLimit(resource));
}

/** Resources as the API takes them on create: any part may be left out and is filled from the defaults. */
export const ResourcesInputSchema = z.strictObject({
  cpu: resourcePairInput('cpu').prefault({}),
  memory: resourcePairInput('memory').prefault({}),
});

/** Resources in a patch: only what changes. Request ≤ limit is checked once merged with the current spec. */
export const ResourcesPatchSchema = z.strictObject({
  cpu: z.strictObject(pairShape('cpu')).partial().superRefine(requestWithinLimit('cpu')).optional(),
  memory: z.strictObject(pairShape('memory')).partial().superRefine(requestWithinLimit('memory')).optional(),
});
export type ResourcesPatch = z.infer<typeof ResourcesPatchSchema>;

// ---------------------------------------------------------------- environment

const envVarShape = { name: checkedString(envVarNameErrors), value: z.string() };
export const EnvVarSchema = z.object(envVarShape);
export type EnvVar = z.infer<typeof EnvVarSchema>;

function uniqueEnvNames(env: { name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  env.forEach(({ name }, index) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `duplicate environment variable '${name}'`,
      });
    }
    seen.add(name);
  });
}

/** Caps on the environment a service declares: one value, the count, and names and values together. */
export const ENV_LIMITS = { valueLength: 32 * 1024, count: 1000, totalBytes: 128 * 1024 } as const;

function envWithinTotal(env: { name: string; value: string }[], ctx: z.RefinementCtx): void {
  const bytes = env.reduce(
    (sum, { name, value }) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
  if (bytes > ENV_LIMITS.totalBytes) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `names and values take ${bytes} bytes; at most ${ENV_LIMITS.totalBytes}`,
    });
  }
}

/** Environment variables in order, names unique (Kubernetes only warns; cite refuses the ambiguity). */
export const EnvSchema = z.array(EnvVarSchema).superRefine(uniqueEnvNames);
/** The environment as the API takes it: `EnvSchema` within `ENV_LIMITS`. */
export const EnvInputSchema = z
  .array(
    z.strictObject({
      ...envVarShape,
      value: z
        .string()
        .max(ENV_LIMITS.valueLength, `must be no more than ${ENV_LIMITS.valueLength} characters`),
    }),
  )
  .max(ENV_LIMITS.count, `must have no more than ${ENV_LIMITS.count} variables`)
  .superRefine(uniqueEnvNames)
  .superRefine(envWithinTotal);

// ---------------------------------------------------------------- health check

export const DEFAULT_HEALTH_CHECK = {
  path: '/',
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  failureThreshold: 3,
} as const;

const seconds = (min: number) =>
  z
    .number()
    .int('must be an integer')
    .min(min, `must be greater than or equal to ${min}`)
    .max(3600, 'must be less than or equal to 3600');

const healthCheckShape = {
  /** HTTP GET path probed for readiness and liveness. */
  path: checkedString((value) =>
    /^\/[^\s]*$/.test(value) && value.length <= 2048
      ? []
      : ["must start with '/', contain no whitespace and be at most 2048 characters"],
  ),
  initialDelaySeconds: seconds(0),
  periodSeconds: seconds(1),
  timeoutSeconds: seconds(1),
  failureThreshold: z
    .number()
    .int('must be an integer')
    .min(1, 'must be greater than or equal to 1')
    .max(100),
};

/** An HTTP probe; the defaults are Kubernetes' own (0s delay, every 10s, 1s timeout, 3 failures). */
export const HealthCheckSchema = z.object(healthCheckShape);
export type HealthCheck = z.infer<typeof HealthCheckSchema>;

export const HealthCheckInputSchema = z.strictObject({
  path: healthCheckShape.path.default(DEFAULT_HEALTH_CHECK.path),
  initialDelaySeconds: healthCheckShape.initialDelaySeconds.default(DEFAULT_HEALTH_CHECK.initialDelaySeconds),
  periodSeconds: healthCheckShape.periodSeconds.default(DEFAULT_HEALTH_CHECK.periodSeconds),
  timeoutSeconds: healthCheckShape.timeoutSeconds.default(DEFAULT_HEALTH_CHECK.timeoutSeconds),
  failureThreshold: healthCheckShape.failureThreshold.default(DEFAULT_HEALTH_CHECK.failureThreshold),
});
export const HealthCheckPatchSchema = z.strictObject(healthCheckShape).partial();

// ---------------------------------------------------------------- domains

/**
 * Hosts the service answers on: lowercase RFC 1123 names, each label ≤ 63, ≤ 253 in all, unique, not IP
 * addresses. Wildcards (`*.example.com`) are refused: a host belongs to exactly one service, and a wildcard
 * would overlap other services' hosts in ways first-come ownership cannot settle.
 */
export const MAX_DOMAINS = 100;

export const DomainsSchema = z.array(hostnameSchema()).superRefine((hosts, ctx) => {
  if (hosts.length > MAX_DOMAINS) {
    ctx.addIssue({ code: 'custom', path: [], message: `must have no more than ${MAX_DOMAINS} domains` });
  }
  const seen = new Set<string>();
  hosts.forEach((host, index) => {
    if (seen.has(host))
      ctx.addIssue({ code: 'custom', path: [index], message: `duplicate domain '${host}'` });
    seen.add(host);
  });
});

// ---------------------------------------------------------------- deploy policy

export const DEFAULT_DEPLOY_POLICY = {
  branch: 'main',
  autoDeploy: true,
  previews: false,
  tagTemplate: DEFAULT_TAG_TEMPLATE,
} as const;

/** A webhook secret of the service's own (GitHub allows any string; cite asks for some length). */
const WebhookSecretSchema = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(256, 'must be no more than 256 characters');

const deployPolicyShape = {
  /** Pushes to this branch deploy when `autoDeploy` is on. */
  branch: checkedString(branchNameErrors),
  autoDeploy: z.boolean(),
  /** Pull requests get a preview service `<service>-pr-<n>`. */
  previews: z.boolean(),
  /** The image tag a pushed commit deploys (`{sha}`, `{sha7}`, `{branch}`; see `tag-template.ts`). */
  tagTemplate: checkedString(tagTemplateErrors),
  /**
   * The secret GitHub signs this service's webhook deliveries with, when not the platform's global one.
   * Write-only: the API shows whether it is set, never its value.
   */
  webhookSecret: WebhookSecretSchema.optional(),
};

/** Stored policies from before tag templates read with the default. */
export const DeployPolicySchema = z.object({
  ...deployPolicyShape,
  tagTemplate: deployPolicyShape.tagTemplate.default(DEFAULT_TAG_TEMPLATE),
});
export type DeployPolicy = z.infer<typeof DeployPolicySchema>;

export const DeployPolicyInputSchema = z.strictObject({
  branch: deployPolicyShape.branch.default(DEFAULT_DEPLOY_POLICY.branch),
  autoDeploy: deployPolicyShape.autoDeploy.default(DEFAULT_DEPLOY_POLICY.autoDeploy),
  previews: deployPolicyShape.previews.default(DEFAULT_DEPLOY_POLICY.previews),
  tagTemplate: deployPolicyShape.tagTemplate.default(DEFAULT_DEPLOY_POLICY.tagTemplate),
  webhookSecret: deployPolicyShape.webhookSecret,
});
export const DeployPolicyPatchSchema = z.strictObject(deployPolicyShape).partial();

// ---------------------------------------------------------------- labels

/**
 * Extra Kubernetes labels for the service's objects. Keys are qualified names (optional DNS-1123 subdomain
 * prefix and `/`, name ≤ 63); values are label values (≤ 63, alphanumeric at both ends, or empty). Issues
 * sit at `labels.<key>`.
 */
export const MAX_LABELS = 64;

export const LabelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  if (Object.keys(labels).length > MAX_LABELS) {
    ctx.addIssue({ code: 'custom', path: [], message: `must have no more than ${MAX_LABELS} labels` });
  }
  for (const [key, value] of Object.entries(labels)) {
    for (const message of labelKeyErrors(key))
      ctx.addIssue({ code: 'custom', path: [key], message: `key ${message}` });
    for (const message of labelValueErrors(value))
      ctx.addIssue({ code: 'custom', path: [key], message: `value ${message}` });
  }
});
export type Labels = z.infer<typeof LabelsSchema>;

/** The replica count: 0 (parked) to 1000. */
export const ReplicasSchema = countSchema(1000);
