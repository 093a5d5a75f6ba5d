/** What the release endpoints accept (`POST …/deploys`, `…/rollback`, `…/scale`), refusing unknown fields. */
import { isGitSha, ReplicasSchema, ResourcesSchema } from '@cite/model';
import { z } from 'zod';

export const DeployRequestSchema = z.strictObject({
  /** A tag (`1.4.2`), a digest (`sha256:…`) or a full reference with a tag or digest. */
  image: z.string().min(1, 'must be non-empty').max(512, 'must be no more than 512 characters'),
  /** The commit the image was built from. */
  gitSha: z.string().refine(isGitSha, 'must be 7-40 lowercase hex digits').optional(),
});
export type DeployRequest = z.output<typeof DeployRequestSchema>;

export const RollbackRequestSchema = z.strictObject({
  /** The release to return to; default the last successful release before the running one. */
  to: z
    .number()
    .int('must be an integer')
    .min(1, 'must be greater than or equal to 1')
    .max(9_999_999_999, 'must be less than or equal to 9999999999')
    .optional(),
});
export type RollbackRequest = z.output<typeof RollbackRequestSchema>;

/** A cpu or memory change: `{ request?, limit? }`, or one quantity that sets both. */
function resourceChange(resource: 'cpu' | 'memory') {
  const pair = ResourcesSchema.shape[resource];
  return z.preprocess(
    (value) =>
      typeof value === 'string' || typeof value === 'number' ? { request: value, limit: value } : value,
    z.strictObject({ request: pair.shape.request.optional(), limit: pair.shape.limit.optional() }),
  );
}

export const ScaleRequestSchema = z.strictObject({
  replicas: ReplicasSchema.optional(),
  cpu: resourceChange('cpu').optional(),
  memory: resourceChange('memory').optional(),
});
export type ScaleRequest = z.output<typeof ScaleRequestSchema>;
