/**
 * `POST /api/v1/webhooks/github`: GitHub's deliveries. Authenticated by signature, not token: the raw body's
 * HMAC (`X-Hub-Signature-256`) must verify, in constant time (`@octokit/webhooks`), with the global secret or
 * the secret of a service that claims the repository; otherwise 401 and nothing is recorded. A signed delivery
 * is parsed (400 at the bad field, recorded as refused), put on the `deliveries` queue and answered 202 at once
 * — no etcd round trip on the way, so the answer stays fast however busy etcd is. A worker (`DeliveryRunner`)
 * acts on it once (`X-GitHub-Delivery`, a leased etcd record: a redelivery changes nothing) and records the
 * outcome for `GET /api/v1/webhooks/deliveries`. A ping is answered in place, with the services that claim the
 * repository.
 */
import {
  deliveryRecord,
  refusalOf,
  type DeliveryRunner,
  type GitHubFlow,
  type ServiceCatalog,
} from '@cite/catalog';
import { AuthenticationError, ForbiddenError, InputError, notFoundAt } from '@cite/errors';
import { parseGitHubEvent, type GitHubEvent } from '@cite/github';
import type { DeliveryJob, JobQueue } from '@cite/queue';
import type { Logger } from '@cite/logging';
import type { WebhookDelivery } from '@cite/model';
import type { MetadataStore } from '@cite/store';
import { Webhooks } from '@octokit/webhooks';
import express, { Router, type Request, type Response } from 'express';
import { callContext } from '../http/locals';
import { pageQuery, pathParam, queryString } from '../http/params';

export interface WebhookReceiverDeps {
  flow: GitHubFlow;
  /** Acts on a delivery (a ping, here; the rest on the `deliveries` queue's workers). */
  runner: DeliveryRunner;
  queue: Pick<JobQueue, 'enqueueDelivery'>;
  store: MetadataStore;
  logger: Logger;
  /** `CITE_GITHUB_WEBHOOK_SECRET`. */
  secret?: string;
  /** `CITE_GITHUB_WEBHOOK_MAX_BYTES`. */
  maxBytes: number;
  /** How long a delivery is kept (and recognised when redelivered). */
  deliveryTtlSeconds: number;
  now: () => Date;
}

const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;

/** One verifier per secret, made once. */
const verifiers = new Map<string, Webhooks>();
function verifierOf(secret: string): Webhooks {
  let verifier = verifiers.get(secret);
  if (!verifier) verifiers.set(secret, (verifier = new Webhooks({ secret })));
  return verifier;
}

/** The JSON GitHub sent: the body itself, or the `payload` field of a form-encoded delivery. */
function payloadOf(req: Request, raw: string): unknown {
  const text = req.is('application/x-www-form-urlencoded')
    ? (new URLSearchParams(raw).get('payload') ?? '')
    : raw;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function repoOf(payload: unknown): string | undefined {
  const repository = (payload as { repository?: { full_name?: unknown } } | undefined)?.repository;
  return typeof repository?.full_name === 'string' ? repository.full_name.toLowerCase() : undefined;
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function webhookReceiver(deps: WebhookReceiverDeps): Router {
  const router = Router();

  /**
   * True when `signature` verifies with one of the secrets that may sign for the payload's repository: the
   * global one first (no etcd read), then those of the services that claim the repository.
   */
  const verified = async (raw: string, repo: string | undefined, signature: string): Promise<boolean> => {
    if (deps.secret && (await verifierOf(deps.secret).verify(raw, signature))) return true;
    for (const secret of await deps.flow.serviceSecrets(repo))
      if (await verifierOf(secret).verify(raw, signature)) return true;
    return false;
  };

  router.post(
    '/webhooks/github',
    express.raw({ type: () => true, limit: deps.maxBytes }),
    async (req: Request, res: Response) => {
      const started = performance.now();
      const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const payload = payloadOf(req, raw);
      const signature = header(req, 'x-hub-signature-256');
      if (!signature || !(await verified(raw, repoOf(payload), signature))) {
        deps.logger.warn('webhook refused: signature missing or wrong', {
          delivery: header(req, 'x-github-delivery'),
        });
        throw new AuthenticationError(
          signature
            ? 'X-Hub-Signature-256 does not match the payload for any secret configured for this repository'
            : 'X-Hub-Signature-256 is missing: set a secret on the webhook',
        );
      }
      const id = header(req, 'x-github-delivery');
      const event = header(req, 'x-github-event');
      if (!id || !DELIVERY_ID.test(id) || !event) {
        throw new InputError('not a GitHub delivery', {
          details: [
            !id || !DELIVERY_ID.test(id)
              ? { path: 'headers.x-github-delivery', message: 'must be the delivery GUID' }
              : { path: 'headers.x-github-event', message: 'is missing' },
          ],
        });
      }
      const job: DeliveryJob = {
        id,
        event,
        payload: undefined,
        ...(repoOf(payload) ? { repo: repoOf(payload) } : {}),
        ...actionOf(payload),
        receivedAt: deps.now().toISOString(),
      };
      let parsed: GitHubEvent;
      try {
        parsed = parseGitHubEvent(event, payload);
      } catch (error) {
        // A malformed payload: recorded as refused, and answered as every API error is (400 at the field).
        const record = deliveryRecord(job, refusalOf(error), performance.now() - started);
        await deps.store.deliveries
          .createSharedExpiring(id, record, deps.deliveryTtlSeconds)
          .catch(() => undefined);
        throw error;
      }
      if (parsed.kind === 'ping') {
        // Rare, and its answer names the services that claim the repository: handled here.
        const record = await deps.runner.run({ ...job, payload: parsed });
        res.status(200).json({ delivery: id, ...answerOf(record) });
        return;
      }
      // Recorded on the queue and answered: a worker acts on it (once: a redelivery changes nothing), and the
      // delivery log shows the outcome.
      await deps.queue.enqueueDelivery({ ...job, payload: parsed });
      res.status(202).json({
        delivery: id,
        outcome: 'queued',
        reason: 'queued; its outcome is in GET /api/v1/webhooks/deliveries',
        log: `/api/v1/webhooks/deliveries/${id}`,
      });
    },
  );
  return router;
}

function answerOf(record: WebhookDelivery) {
  return {
    outcome: record.outcome,
    reason: record.reason,
    services: record.services,
    releases: record.releases,
  };
}

function actionOf(payload: unknown): { action?: string } {
  const action = (payload as { action?: unknown } | undefined)?.action;
  return typeof action === 'string' ? { action: action.slice(0, 100) } : {};
}

/**
 * `GET /api/v1/webhooks/deliveries?service=&limit=`: the deliveries kept (`CITE_GITHUB_DELIVERY_TTL_HOURS`),
 * newest first, as GitHub's own delivery log shows them. A member asks for a service of a team of theirs;
 * the whole log is for admins.
 */
export function deliveryRoutes(deps: { catalog: ServiceCatalog; store: MetadataStore }): Router {
  const router = Router();
  router.get('/webhooks/deliveries/:id', async (req, res) => {
    const ctx = callContext(req, res);
    const found = await deps.store.deliveries.get(pathParam(req, 'id')).catch(() => null);
    if (!found) throw notFoundAt('id', 'no such delivery (kept for CITE_GITHUB_DELIVERY_TTL_HOURS)');
    if (ctx.principal.role !== 'admin') {
      // A member sees a delivery about a service of theirs; anything else is as if it did not exist.
      const seen = await Promise.all(
        found.value.services.map((name) =>
          deps.catalog.get(ctx, name).then(
            () => true,
            () => false,
          ),
        ),
      );
      if (!seen.includes(true)) throw notFoundAt('id', 'no such delivery');
    }
    res.set('cache-control', 'no-store').json(found.value);
  });

  router.get('/webhooks/deliveries', async (req, res) => {
    const service = queryString(req, 'service');
    const ctx = callContext(req, res);
    if (service !== undefined) await deps.catalog.get(ctx, service);
    else if (ctx.principal.role !== 'admin')
      throw new ForbiddenError('only admins read every delivery; ask for one service with ?service=');
    const limit = pageQuery(req).limit ?? 100;
    const items: WebhookDelivery[] = [];
    for await (const item of deps.store.deliveries.all())
      if (service === undefined || item.value.services.includes(service)) items.push(item.value);
    items.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
    res.set('cache-control', 'no-store').json({ items: items.slice(0, limit) });
  });
  return router;
}
