/** An audit entry (`audit/<time>-<id>` in etcd): who did what to which thing, when, from where, and how it went. */
import { z } from 'zod';
import { ActorSchema, IdSchema, IPSchema, TimestampSchema } from './fields';

export const AuditOutcome = z.enum(['ok', 'denied', 'failed']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export const AuditEntrySchema = z.object({
  id: IdSchema,
  time: TimestampSchema,
  actor: ActorSchema,
  /** What was attempted, as `<resource>.<verb>` (`service.create`, `release.rollback`, `token.revoke`). */
  action: z.string().min(1, 'must be non-empty').max(128, 'must be no more than 128 characters'),
  /** What it was attempted on (`service/payments-api`, `token/abc123`). */
  target: z.string().max(512, 'must be no more than 512 characters'),
  /** The client's address (IPv4 or IPv6). */
  sourceIp: IPSchema,
  outcome: AuditOutcome,
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
