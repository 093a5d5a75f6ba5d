/** What `GET /services/:name/status` answers: desired state from etcd next to the observed state. */
import { ReleaseCause, ReleaseStatus, ResourcesSchema, ServiceState } from '@cite/model';
import { z } from 'zod';
import { ObservedStatusSchema, PodStatusSchema } from './observed-status';

export const ServiceStatusViewSchema = z.object({
  service: z.string(),
  state: ServiceState,
  desired: z.object({
    replicas: z.number().int(),
    resources: ResourcesSchema,
    /** The newest release and how far it got. */
    release: z
      .object({ number: z.number().int(), status: ReleaseStatus, image: z.string(), cause: ReleaseCause })
      .nullable(),
    /** The release that last succeeded: what should be running. */
    running: z.number().int().nullable(),
  }),
  /** As last reported by the deployer or watcher; null until they have. */
  observed: ObservedStatusSchema.extend({
    pods: z.array(PodStatusSchema.extend({ ageSeconds: z.number().int().optional() })),
  }).nullable(),
  /** Why `observed` is null. */
  reason: z.string().optional(),
});
export type ServiceStatusView = z.infer<typeof ServiceStatusViewSchema>;
