/**
 * Acting on a verified GitHub delivery, off the request: the api's receiver answers once the delivery is on the
 * `deliveries` queue, and a worker runs it here — once (a delivery already recorded is left as it is, so a
 * redelivery changes nothing), through `GitHubFlow`, recording its outcome for the delivery log. An etcd or Redis
 * outage fails the run and the queue retries it; a refusal (4xx) is recorded, not retried.
 */
import { ConflictError, isCiteError, toHttpError } from '@cite/errors';
import type { GitHubEvent } from '@cite/github';
import type { WebhookDelivery } from '@cite/model';
import type { DeliveryJob } from '@cite/queue';
import type { MetadataStore } from '@cite/store';
import type { GitHubFlow } from './github-flow';

export interface DeliveryRunnerOptions {
  flow: GitHubFlow;
  store: MetadataStore;
  /** How long a delivery is kept (and recognised when redelivered). */
  ttlSeconds: number;
}

/** A delivery's record, as the receiver or the runner writes it. */
export function deliveryRecord(
  job: DeliveryJob,
  outcome: Pick<WebhookDelivery, 'status' | 'outcome' | 'reason' | 'services' | 'releases'>,
  durationMs: number,
): WebhookDelivery {
  return {
    id: job.id,
    event: job.event,
    ...(job.repo ? { repo: job.repo } : {}),
    ...(job.action ? { action: job.action } : {}),
    receivedAt: job.receivedAt,
    ...outcome,
    reason: outcome.reason.slice(0, 1024),
    durationMs: Math.max(0, Math.round(durationMs)),
  };
}

/** What a refused delivery's record says: the error's status and message, with the field at fault. */
export function refusalOf(
  error: unknown,
): Pick<WebhookDelivery, 'status' | 'outcome' | 'reason' | 'services' | 'releases'> {
  const http = toHttpError(error);
  const detail = http.body.error.details?.[0];
  const reason = detail
    ? `${http.body.error.message} (${detail.path}: ${detail.message})`
    : http.body.error.message;
  return { status: http.status, outcome: 'refused', reason, services: [], releases: [] };
}

export class DeliveryRunner {
  constructor(private readonly options: DeliveryRunnerOptions) {}

  async run(job: DeliveryJob): Promise<WebhookDelivery> {
    const { store, flow, ttlSeconds } = this.options;
    const earlier = await store.deliveries.get(job.id);
    if (earlier) return earlier.value;
    let outcome: Parameters<typeof deliveryRecord>[1];
    try {
      outcome = { status: 202, ...(await flow.handle(job.payload as GitHubEvent, job.id)) };
    } catch (error) {
      if (!isCiteError(error) || toHttpError(error).status >= 500) throw error;
      outcome = refusalOf(error);
    }
    const record = deliveryRecord(job, outcome, Date.now() - Date.parse(job.receivedAt));
    try {
      await store.deliveries.createSharedExpiring(job.id, record, ttlSeconds);
      return record;
    } catch (error) {
      // Recorded meanwhile by another run of the same delivery: that record stands (the work is idempotent).
      if (error instanceof ConflictError) return (await store.deliveries.get(job.id))?.value ?? record;
      throw error;
    }
  }
}
