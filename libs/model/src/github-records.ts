/**
 * What cite keeps about GitHub in etcd: which service deploys a repository's branch (`repos/…`), every webhook
 * delivery and its outcome (`webhooks/deliveries/<id>`, on a lease, as GitHub's own delivery log), and how far
 * each release's report back to GitHub got (`github/…`), so a retried report sends only what is missing.
 */
import { z } from 'zod';
import { ServiceNameSchema, TimestampSchema } from './fields';

/** A repository's branch, claimed by the one service that deploys it. */
export const RepoClaimSchema = z.object({
  /** `owner/name`, lowercased (GitHub names are case-insensitive). */
  repo: z.string().min(3).max(140),
  branch: z.string().min(1).max(255),
  service: ServiceNameSchema,
  claimedAt: TimestampSchema,
});
export type RepoClaim = z.infer<typeof RepoClaimSchema>;

export const DeliveryOutcome = z.enum(['accepted', 'ignored', 'refused']);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/** One webhook delivery as cite answered it. Unsigned or badly signed ones are never recorded. */
export const WebhookDeliverySchema = z.object({
  /** GitHub's `X-GitHub-Delivery` (a GUID). */
  id: z.string().min(1).max(100),
  /** `X-GitHub-Event`: push, pull_request, ping, deployment, … */
  event: z.string().min(1).max(100),
  action: z.string().max(100).optional(),
  repo: z.string().max(140).optional(),
  receivedAt: TimestampSchema,
  /** The HTTP status cite answered with. */
  status: z.number().int().min(100).max(599),
  outcome: DeliveryOutcome,
  /** Why, in a sentence: what was done or why nothing was. */
  reason: z.string().max(1024),
  /** The services the delivery concerned (for `?service=`). */
  services: z.array(ServiceNameSchema),
  /** The releases it made. */
  releases: z.array(z.object({ service: ServiceNameSchema, number: z.number().int().min(1) })),
  /** Milliseconds from receipt to answer. */
  durationMs: z.number().min(0),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

/** How far a release's report to GitHub got. */
export const GitHubReportSchema = z.object({
  stages: z.array(z.enum(['pending', 'in_progress', 'final'])),
  deploymentId: z.number().int().optional(),
});
export type GitHubReport = z.infer<typeof GitHubReportSchema>;

/** The pull-request comment a preview service keeps editing. */
export const GitHubCommentSchema = z.object({ id: z.number().int() });
export type GitHubComment = z.infer<typeof GitHubCommentSchema>;
