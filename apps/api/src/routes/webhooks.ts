/**
 * `POST /api/v1/webhooks/github`: GitHub's deliveries. Authenticated by signature, not token: the raw body's
 * HMAC (`X-Hub-Signature-256`) must verify, in constant time (`@octokit/webhooks`), with the global secret or
 * the secret of a service that claims the repository; otherwise 401 and nothing is recorded. A signed delivery
 * is handled once (`X-GitHub-Delivery`, a leased etcd record: a redelivery answers what the first one did and
 * changes nothing), decided by `GitHubFlow`, answered well inside GitHub's 10 s (it records and enqueues; the
 * deployer deploys), and recorded with its outcome for `GET /api/v1/webhooks/deliveries`.
 */
import type { GitHubFlow, ServiceCatalog } from '@cite/catalog';
import { AuthenticationError, ForbiddenError, InputError, isCiteError, toHttpError } from '@cite/errors';
import { parseGitHubEvent } from '@cite/github';
import type { Logger } from '@cite/logging';
import type { WebhookDelivery } from '@cite/model';
import type { MetadataStore } from '@cite/store';
import { Webhooks } from '@octokit/webhooks';
import express, { Router, type Request, type Response } from 'express';
import { callContext } from '../http/locals';
import { pageQuery, queryString } from '../http/params';

export interface WebhookReceiverDeps {
  flow: GitHubFlow;
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
      const earlier = await deps.store.deliveries.get(id);
      if (earlier) {
        res.status(200).json({ delivery: id, duplicate: true, ...answerOf(earlier.value) });
        return;
      }
      const { record, refusal } = await handleDelivery(deps, { id, event, payload, repo: repoOf(payload) });
      record.durationMs = Math.round(performance.now() - started);
      await deps.store.deliveries
        .createSharedExpiring(id, record, deps.deliveryTtlSeconds)
        .catch((error: unknown) => {
          // Recorded meanwhile by a concurrent copy of this delivery, or etcd failed after the work was done:
          // the work is idempotent (one release per commit), so the answer stands.
          deps.logger.warn('webhook delivery not recorded', { delivery: id, error: String(error) });
        });
      if (refusal) throw refusal;
      res.status(record.status).json({ delivery: id, ...answerOf(record) });
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

/**
 * Decides and does what the delivery asks. A delivery refused with a 4xx (a malformed payload: 400 at the bad
 * field) is recorded too, and its error answered as every API error is.
 */
async function handleDelivery(
  deps: WebhookReceiverDeps,
  delivery: { id: string; event: string; payload: unknown; repo: string | undefined },
): Promise<{ record: WebhookDelivery; refusal?: unknown }> {
  const base = {
    id: delivery.id,
    event: delivery.event,
    ...(delivery.repo ? { repo: delivery.repo } : {}),
    ...actionOf(delivery.payload),
    receivedAt: deps.now().toISOString(),
    durationMs: 0,
  };
  try {
    const parsed = parseGitHubEvent(delivery.event, delivery.payload);
    const done = await deps.flow.handle(parsed, delivery.id);
    const status = parsed.kind === 'ping' ? 200 : 202;
    return { record: { ...base, status, ...done } };
  } catch (error) {
    if (!isCiteError(error) || toHttpError(error).status >= 500) throw error;
    const http = toHttpError(error);
    const detail = http.body.error.details?.[0];
    const reason = (
      detail ? `${http.body.error.message} (${detail.path}: ${detail.message})` : http.body.error.message
    ).slice(0, 1024);
    return {
      record: { ...base, status: http.status, outcome: 'refused', reason, services: [], releases: [] },
      refusal: error,
    };
  }
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
