import { DeliveryRunner, GitHubFlow, ServiceCatalog, type RegistryPolicy } from '@cite/catalog';
import {
  errorHandler,
  healthRoutes,
  jsonBody,
  methodNotAllowed,
  notFound,
  requestContext,
  type DependencyCheck,
} from '@cite/http';
import type { Logger } from '@cite/logging';
import { httpMetrics, metricsEndpoint, type HttpMetrics, type MetricsSource } from '@cite/metrics';
import type { KubeHttp } from '@cite/kube';
import type { LogStore } from '@cite/log-store';
import type { JobQueue } from '@cite/queue';
import { IdempotencyStore, ObservedStatusStore, ReleaseLog, type MetadataStore } from '@cite/store';
import express, { Router, type Express } from 'express';
import { auditTrail } from './http/audit';
import { authenticated } from './http/authentication';
import { rootIssuesAtBody } from './http/errors';
import { idempotent } from './http/idempotency';
import { auditRoutes } from './routes/audit';
import { batchReportRoutes } from './routes/batch-reports';
import { docsRoutes } from './routes/docs';
import { lockRoutes } from './routes/locks';
import { logSearchRoutes } from './routes/log-search';
import { logRoutes } from './routes/logs';
import { networkRoutes } from './routes/network';
import { podEventRoutes } from './routes/pod-events';
import { releaseRoutes } from './routes/releases';
import { serviceRoutes } from './routes/services';
import { tokenRoutes } from './routes/tokens';
import { webRoutes } from './routes/web';
import { deliveryRoutes, webhookReceiver } from './routes/webhooks';

export interface ApiDeps {
  logger: Logger;
  store: MetadataStore;
  queue: JobQueue;
  /** `CITE_ADMIN_TOKEN`: the bootstrap admin; without it only stored tokens authenticate. */
  adminToken?: string;
  /** What /readyz asks; etcd and the job queue's Redis by default. */
  dependencies?: DependencyCheck[];
  shuttingDown?: () => boolean;
  /** Aborted at shutdown: open SSE streams end so the server can close. */
  streams?: AbortSignal;
  /**
   * `CITE_API_TRUSTED_PROXIES`: addresses or CIDRs (or Express's `loopback`, `linklocal`, `uniquelocal`) of
   * the proxies in front of the API. Only a request from one of them has its `X-Forwarded-For` believed
   * (`req.ip`, the audit's `sourceIp`). @defaultValue none: `req.ip` is the socket's peer.
   */
  trustedProxies?: readonly string[];
  /** Registries members' images may come from (`CITE_ALLOWED_REGISTRIES`, `CITE_TEAM_REGISTRIES`). @defaultValue any */
  registries?: RegistryPolicy;
  /** Injected for tests. @defaultValue `() => new Date()` */
  now?: () => Date;
  /** Request durations are recorded here and `/metrics` serves them. @defaultValue no `/metrics` */
  metrics?: HttpMetrics & MetricsSource;
  /** `CITE_METRICS_TOKEN`: the bearer token a scrape of `/metrics` must present. @defaultValue none: open */
  metricsToken?: string;
  /** GitHub webhooks and previews. @defaultValue no global secret, GitHub's limits, nothing reported back */
  github?: Partial<GitHubDeps>;
  /** The cluster (`CITE_KUBECONFIG`), for live pod logs. @defaultValue none: `/services/:name/logs` is 501 */
  kube?: KubeHttp;
  /** The search engine (`CITE_LOGS_URL`): log search answers 501 without it. */
  logs?: Pick<LogStore, 'search'>;
  /** `CITE_KIBANA_URL`: each service's log search links to Discover. */
  kibanaUrl?: string;
  /** The web UI's built files (`CITE_WEB_DIR`), served at `/`. @defaultValue none: `/` leads to `/api/docs` */
  webDir?: string;
  /** Live log streams one token may hold open at once (429 beyond). @defaultValue 5 */
  logStreamsPerToken?: number;
}

/** What the GitHub webhook receiver runs with (`CITE_GITHUB_*`, `CITE_PREVIEW_*`). */
export interface GitHubDeps {
  webhookSecret?: string;
  maxBytes: number;
  deliveryTtlSeconds: number;
  previewDomain?: string;
  previewLimit: number;
  /** Asks GitHub for a branch head before deploying a push, when a token or App is configured. */
  branchHead?: (repo: string, branch: string) => Promise<string | null>;
  /** Whether releases are reported back to GitHub (a token or App is configured). */
  reports: boolean;
}

const GITHUB_DEFAULTS: GitHubDeps = {
  maxBytes: 25 * 1024 * 1024,
  deliveryTtlSeconds: 72 * 3600,
  previewLimit: 5,
  reports: false,
};

/** Paths under /api/v1 that need no token (the GitHub webhook receiver authenticates by signature). */
const PUBLIC_API_PATHS = [/^\/webhooks\/github$/];

function catalogOf(deps: ApiDeps): ServiceCatalog {
  const now = deps.now ?? (() => new Date());
  return new ServiceCatalog({
    store: deps.store,
    queue: deps.queue,
    observed: new ObservedStatusStore(deps.store.etcd),
    logs: new ReleaseLog(deps.store.etcd, now),
    ...(deps.registries ? { registries: deps.registries } : {}),
    now,
  });
}

function githubFlowOf(deps: ApiDeps, catalog: ServiceCatalog): GitHubFlow {
  const github = { ...GITHUB_DEFAULTS, ...deps.github };
  return new GitHubFlow({
    catalog,
    store: deps.store,
    previewLimit: github.previewLimit,
    ...(github.previewDomain ? { previewDomain: github.previewDomain } : {}),
    ...(github.branchHead ? { branchHead: github.branchHead } : {}),
    ...(github.reports
      ? {
          onRelease: (release: { service: string; number: number }) =>
            deps.queue.enqueueReport({ service: release.service, release: release.number, stage: 'pending' }),
        }
      : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
}

/**
 * A runner for the `deliveries` queue with this app's GitHub settings: the deployer runs the same (its
 * `main.ts`, from the same configuration); the api's tests run this one beside the app.
 */
export function deliveryRunnerOf(deps: ApiDeps): DeliveryRunner {
  const github = { ...GITHUB_DEFAULTS, ...deps.github };
  return new DeliveryRunner({
    flow: githubFlowOf(deps, catalogOf(deps)),
    store: deps.store,
    ttlSeconds: github.deliveryTtlSeconds,
  });
}

/** The API's Express app: wiring only; the deciding lives in `@cite/auth` and `@cite/catalog`. */
export function createApp(deps: ApiDeps): Express {
  const now = deps.now ?? (() => new Date());
  const { store } = deps;
  const catalog = catalogOf(deps);
  const idempotency = idempotent({ store: new IdempotencyStore(store.etcd), now });
  const authenticate = authenticated({ store, adminToken: deps.adminToken, now });
  const dependencies = deps.dependencies ?? [
    { name: 'etcd', check: () => store.ping() },
    { name: 'redis', check: () => deps.queue.ping() },
  ];

  const github = { ...GITHUB_DEFAULTS, ...deps.github };
  const flow = githubFlowOf(deps, catalog);

  const api = Router();
  api.use((req, res, next) =>
    PUBLIC_API_PATHS.some((path) => path.test(req.path)) ? next() : authenticate(req, res, next),
  );
  // Before the JSON parser: the signature is over the raw bytes.
  api.use(
    webhookReceiver({
      flow,
      runner: new DeliveryRunner({ flow, store, ttlSeconds: github.deliveryTtlSeconds }),
      queue: deps.queue,
      store,
      logger: deps.logger,
      ...(github.webhookSecret ? { secret: github.webhookSecret } : {}),
      maxBytes: github.maxBytes,
      deliveryTtlSeconds: github.deliveryTtlSeconds,
      now,
    }),
  );
  api.use(jsonBody({ limit: '1mb' }));
  api.use(auditTrail({ store, now }));
  api.use(serviceRoutes({ catalog, flow, idempotent: idempotency }));
  api.use(releaseRoutes({ catalog, idempotent: idempotency, streams: deps.streams }));
  api.use(tokenRoutes({ store, now }));
  api.use(auditRoutes({ store }));
  api.use(lockRoutes({ store }));
  api.use(batchReportRoutes({ store }));
  api.use(deliveryRoutes({ catalog, store }));
  api.use(networkRoutes({ catalog, store }));
  api.use(podEventRoutes({ catalog, observed: new ObservedStatusStore(store.etcd), streams: deps.streams }));
  api.use(
    logSearchRoutes({
      catalog,
      ...(deps.logs ? { logs: deps.logs } : {}),
      ...(deps.kibanaUrl ? { kibanaUrl: deps.kibanaUrl } : {}),
    }),
  );
  api.use(
    logRoutes({
      catalog,
      observed: new ObservedStatusStore(store.etcd),
      kube: deps.kube,
      streams: deps.streams,
      streamsPerToken: deps.logStreamsPerToken,
    }),
  );

  const site = Router();
  site.use(healthRoutes(dependencies, deps.shuttingDown));
  if (deps.metrics) site.get('/metrics', metricsEndpoint(deps.metrics, { token: deps.metricsToken }));
  site.use(docsRoutes());
  site.use('/api/v1', api);

  const app = express();
  if (deps.metrics) app.use(httpMetrics(deps.metrics));
  app.disable('x-powered-by');
  const proxies = deps.trustedProxies ?? [];
  app.set('trust proxy', proxies.length === 0 ? false : [...proxies]);
  app.use(requestContext(deps.logger));
  // 405 with Allow for a known path asked with another method: before authentication and body parsing.
  app.use(methodNotAllowed(site));
  app.use(site);
  // After the 405 check: the UI answers any page path a browser asks for, which would make every path "known".
  app.use(webRoutes(deps.webDir));
  app.use(notFound);
  app.use(rootIssuesAtBody);
  app.use(errorHandler(deps.logger));
  return app;
}
