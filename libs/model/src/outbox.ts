/**
 * A job waiting in etcd (`outbox/<id>`) to be put on the queue. It is written in the same transaction as the
 * change that needs the job, so an accepted change always has its job: the writer enqueues it right after and
 * removes the entry, and the deployer's relay enqueues whatever a crash or a Redis outage left behind.
 */
import { z } from 'zod';
import { NamespaceSchema, SequenceNumberSchema, ServiceNameSchema, TimestampSchema } from './fields';

const common = {
  service: ServiceNameSchema,
  /** Request id of the call that made the change, for log correlation. */
  requestId: z.string().max(200).optional(),
  createdAt: TimestampSchema,
};

export const OutboxEntrySchema = z.discriminatedUnion('kind', [
  /** Run release `release` of `service`. */
  z.object({ kind: z.literal('release'), release: SequenceNumberSchema, ...common }),
  /** Remove `service`'s objects from `namespace`; `deletingSince` is the delete's `updatedAt` (the job's id). */
  z.object({
    kind: z.literal('deletion'),
    namespace: NamespaceSchema,
    deletingSince: TimestampSchema,
    ...common,
  }),
]);
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

/** The entry's id: one per job, so writing the same job twice is one entry (`release.web.42`). */
export function outboxEntryId(entry: OutboxEntry): string {
  return entry.kind === 'release'
    ? `release.${entry.service}.${entry.release}`
    : `deletion.${entry.service}.${Date.parse(entry.deletingSince)}`;
}
