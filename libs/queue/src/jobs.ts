/**
 * The contract between the api (producer) and the deployer (workers). Jobs carry names, never whole objects:
 * the worker re-reads etcd under the service's lock, so a job run twice changes nothing.
 */

/** BullMQ queue names (one Redis key space per name under the `cite` prefix). */
export const QUEUES = {
  /** Every change that must reach the cluster for one release: deploy, rollback, config, scale. */
  releases: 'releases',
  /** Removing a service's cluster objects. */
  deletions: 'deletions',
  /** Telling GitHub how a release goes (commit and deployment statuses, preview comments). */
  reports: 'reports',
  /** GitHub webhook deliveries, verified and parsed by the api's receiver, waiting to be acted on. */
  deliveries: 'deliveries',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Apply release `release` of `service` and watch it to a verdict. */
export interface ReleaseJob {
  service: string;
  release: number;
  /** Request id of the API call that asked for it, for log correlation. */
  requestId?: string;
}

/** Remove the cluster objects of a deleted service. */
export interface DeletionJob {
  service: string;
  namespace: string;
  requestId?: string;
}

/** Tell GitHub what it has not been told yet about release `release` of `service`, up to `stage`. */
export interface ReportJob {
  service: string;
  release: number;
  /** The stage that triggered it; the report sends every stage the release has reached, in order. */
  stage: 'pending' | 'in_progress' | 'final';
}

/**
 * A verified GitHub delivery: its id (`X-GitHub-Delivery`), event name and parsed payload (the parts cite
 * reads, as `@cite/github`'s `parseGitHubEvent` made them; plain JSON).
 */
export interface DeliveryJob {
  id: string;
  event: string;
  payload: unknown;
  repo?: string;
  action?: string;
  receivedAt: string;
}

export interface JobPayloads {
  releases: ReleaseJob;
  deletions: DeletionJob;
  reports: ReportJob;
  deliveries: DeliveryJob;
}

/** BullMQ refuses ":" in custom ids; service names are DNS labels, so "." separates safely. Deterministic job ids make enqueueing idempotent: enqueueing the same release twice yields one job. */
export function releaseJobId(job: Pick<ReleaseJob, 'service' | 'release'>): string {
  return `release.${job.service}.${job.release}`;
}

export function deletionJobId(job: Pick<DeletionJob, 'service'>, deletedAt: string): string {
  return `delete.${job.service}.${deletedAt.replace(/[^0-9A-Za-z]/g, '')}`;
}

/** BullMQ refuses ":" in ids; a delivery GUID has none. The same delivery is one job while it is kept. */
export function deliveryJobId(job: Pick<DeliveryJob, 'id'>): string {
  return `delivery.${job.id}`;
}

export function reportJobId(job: ReportJob): string {
  return `report.${job.service}.${job.release}.${job.stage}`;
}

/** The producer side, as the api sees it. Implemented over BullMQ; tests of pure logic may use an in-memory fake. */
export interface JobQueue {
  enqueueRelease(job: ReleaseJob): Promise<void>;
  enqueueDeletion(job: DeletionJob, deletedAt: string): Promise<void>;
  /** A GitHub report, retried for about two hours of GitHub being unreachable. */
  enqueueReport(job: ReportJob): Promise<void>;
  /** A verified webhook delivery, acted on by a worker. */
  enqueueDelivery(job: DeliveryJob): Promise<void>;
  /** Redis reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
