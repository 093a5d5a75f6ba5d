/**
 * Every configuration key cite reads: one table, so parsing, defaults and the README reference come from
 * the same place. Environment variables win over the YAML file (`CITE_CONFIG_FILE`), which wins over defaults.
 */

export type KeyKind =
  'string' | 'url' | 'urls' | 'port' | 'host' | 'prefix' | 'enum' | 'secret' | 'path' | 'integer' | 'boolean';

export interface ConfigKey {
  /** Environment variable name. */
  env: string;
  /** Dotted path in the YAML file. */
  file: string;
  kind: KeyKind;
  /** Default when neither the environment nor the file sets it; undefined means optional with no value. */
  default?: string;
  /** A different default for some apps (`{ launcher: '30' }`): what `npm start` runs with unless told otherwise. */
  appDefaults?: Readonly<Record<string, string>>;
  /** Allowed values for `enum`. */
  values?: readonly string[];
  /** Inclusive bounds for `integer`. */
  min?: number;
  max?: number;
  /** Which apps must have it set; others treat it as optional. */
  requiredBy?: readonly string[];
  description: string;
}

export const CONFIG_KEYS = [
  {
    env: 'CITE_ETCD_ENDPOINTS',
    file: 'etcd.endpoints',
    kind: 'urls',
    default: 'http://127.0.0.1:2379',
    description: 'Comma-separated etcd client URLs.',
  },
  {
    env: 'CITE_ETCD_PREFIX',
    file: 'etcd.prefix',
    kind: 'prefix',
    default: '/cite/v1/',
    description: 'Key prefix for everything cite stores in etcd (starts and ends with `/`).',
  },
  {
    env: 'CITE_ETCD_TIMEOUT_MS',
    file: 'etcd.timeoutMs',
    kind: 'string',
    default: '3000',
    description:
      'Deadline for one etcd call in milliseconds (integer 100–60000); past it the call fails as unavailable.',
  },
  {
    env: 'CITE_REDIS_URL',
    file: 'redis.url',
    kind: 'url',
    default: 'redis://127.0.0.1:6379',
    description: 'Redis URL for the job queues (`redis://` or `rediss://`).',
  },
  {
    env: 'CITE_API_HOST',
    file: 'api.host',
    kind: 'host',
    default: '127.0.0.1',
    description: 'Address the API listens on.',
  },
  {
    env: 'CITE_API_PORT',
    file: 'api.port',
    kind: 'port',
    default: '8080',
    description: 'Port the API listens on (the web UI will share it).',
  },
  {
    env: 'CITE_WEB_DIR',
    file: 'api.webDir',
    kind: 'path',
    description:
      "The web UI's built files (`npm run build` writes them to `dist/apps/web`), served by the api at `/`. Unset: the `web` folder beside the api's bundle (`dist/apps/web` for `dist/apps/api/main.mjs`); when that has no `index.html`, `/` leads to the API's docs instead.",
  },
  {
    env: 'CITE_API_TRUSTED_PROXIES',
    file: 'api.trustedProxies',
    kind: 'string',
    description:
      "Comma-separated IP addresses or CIDRs (or `loopback`, `linklocal`, `uniquelocal`) of the proxies in front of the API; only their `X-Forwarded-For` is believed for the client's address (access log, audit `sourceIp`). Unset: no proxy is trusted, the address is the connection's peer.",
  },
  {
    env: 'CITE_LOG_LEVEL',
    file: 'log.level',
    kind: 'enum',
    values: ['error', 'warn', 'info', 'http', 'debug'],
    default: 'info',
    description: 'Lowest log level written (JSON lines on stdout).',
  },
  {
    env: 'CITE_ADMIN_TOKEN',
    file: 'auth.adminToken',
    kind: 'secret',
    description: 'Bootstrap admin bearer token (at least 32 characters). Never logged.',
  },
  {
    env: 'CITE_METRICS_TOKEN',
    file: 'metrics.token',
    kind: 'secret',
    description:
      'Bearer token a Prometheus scrape of `/metrics` (api, deployer) must present (at least 32 characters). Unset: `/metrics` is open to whoever reaches the port. Never logged.',
  },
  {
    env: 'CITE_KUBECONFIG',
    file: 'kube.kubeconfig',
    kind: 'path',
    description:
      "Kubeconfig file of the cluster cite runs services on, read by the deployer (it applies there), the watcher (it watches there) and the api (the live log tail reads pods' logs there). Unset: the deployer and the watcher use `KUBECONFIG`, `~/.kube/config` or the in-cluster service account, in that order; the api's live tail answers 501. `npm start` sets it to its local cluster's.",
  },
  {
    env: 'CITE_REGISTRY_URL',
    file: 'registry.url',
    kind: 'url',
    description:
      'Docker Registry v2 base URL (`http://127.0.0.1:5000`). When set, the deployer checks that an image on this registry exists before applying it and fails the release fast with "image not found".',
  },
  {
    env: 'CITE_ALLOWED_REGISTRIES',
    file: 'images.allowedRegistries',
    kind: 'string',
    description:
      'Comma-separated registries (`host[:port]`, `docker.io` for Docker Hub) that members may create services and deploy images from; an image from another registry is refused with 403. Unset: any registry. Admins are not bound.',
  },
  {
    env: 'CITE_TEAM_REGISTRIES',
    file: 'images.teamRegistries',
    kind: 'string',
    description:
      'Per-team registries that replace `CITE_ALLOWED_REGISTRIES` for those teams: `team=registry|registry;team=registry` (e.g. `payments=registry.pay.example:5000;demo=127.0.0.1:5000|docker.io`).',
  },
  {
    env: 'CITE_DEPLOYER_CONCURRENCY',
    file: 'deployer.concurrency',
    kind: 'integer',
    min: 1,
    max: 256,
    default: '64',
    description:
      'Release and deletion jobs one deployer process works on at once (per queue; one service is never worked on twice at once). A release job holds its slot while its rollout is followed, mostly waiting, so this bounds the rollouts followed at once; jobs beyond it queue.',
  },
  {
    env: 'CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS',
    file: 'deployer.progressDeadlineSeconds',
    kind: 'integer',
    min: 5,
    max: 3600,
    default: '120',
    appDefaults: { launcher: '30' },
    description:
      "The Deployments' `progressDeadlineSeconds`: a rollout that makes no progress for this long fails with the pods' reason. `npm start` gives its deployer 30 s unless this is set.",
  },
  {
    env: 'CITE_DEPLOYER_JOB_LOCK_SECONDS',
    file: 'deployer.jobLockSeconds',
    kind: 'integer',
    min: 2,
    max: 600,
    default: '30',
    description:
      'BullMQ job lock: a deployer that dies mid-job hands its job to another deployer after about this long (stalled-job check).',
  },
  {
    env: 'CITE_DEPLOYER_LOCK_TTL_SECONDS',
    file: 'deployer.lockTtlSeconds',
    kind: 'integer',
    min: 2,
    max: 600,
    default: '15',
    description:
      "Lease TTL of a service's etcd lock (`locks/service/<name>`): a dead deployer blocks the service for at most this long.",
  },
  {
    env: 'CITE_DEPLOYER_SHUTDOWN_GRACE_SECONDS',
    file: 'deployer.shutdownGraceSeconds',
    kind: 'integer',
    min: 0,
    max: 3600,
    default: '20',
    description:
      'On SIGTERM, how long running jobs may take to finish before they are handed back to the queue for another deployer.',
  },
  {
    env: 'CITE_DEPLOYER_METRICS_HOST',
    file: 'deployer.metricsHost',
    kind: 'host',
    default: '127.0.0.1',
    description:
      "Address of the deployer's own HTTP server (`/metrics`, `/healthz`); `0.0.0.0` for a scraper on another host.",
  },
  {
    env: 'CITE_DEPLOYER_METRICS_PORT',
    file: 'deployer.metricsPort',
    kind: 'integer',
    min: 0,
    max: 65535,
    default: '0',
    description:
      "Port of the deployer's HTTP server. `0` picks a free one, printed in the `deployer ready` log line (`metrics`); set a fixed port for Prometheus to scrape.",
  },
  {
    env: 'CITE_WATCHER_LB_VIPS',
    file: 'watcher.lbVips',
    kind: 'string',
    default: '',
    description:
      "Comma-separated IPv4 addresses of the load balancer in front of the cluster's ingress: the `targets` of a domain record whose Ingress has no load-balancer address in its status yet. Empty: such a record has no targets until the ingress controller publishes one.",
  },
  {
    env: 'CITE_WATCHER_ELECTION_TTL_SECONDS',
    file: 'watcher.electionTtlSeconds',
    kind: 'integer',
    min: 2,
    max: 300,
    default: '10',
    description:
      'Lease TTL of the watcher election (`election/watcher/`): when the leading watcher dies, a standby takes over within about this long.',
  },
  {
    env: 'CITE_WATCHER_METRICS_HOST',
    file: 'watcher.metricsHost',
    kind: 'host',
    default: '127.0.0.1',
    description: "Address of the watcher's own HTTP server (`/metrics`, `/healthz`).",
  },
  {
    env: 'CITE_WATCHER_METRICS_PORT',
    file: 'watcher.metricsPort',
    kind: 'integer',
    min: 0,
    max: 65535,
    default: '0',
    description:
      "Port of the watcher's HTTP server. `0` picks a free one, printed in the `watcher ready` log line (`metrics`).",
  },
  {
    env: 'CITE_LOGS_URL',
    file: 'logs.url',
    kind: 'url',
    description:
      "REST URL of the search engine logs go to (Elasticsearch 8/9 or OpenSearch 2, e.g. `http://127.0.0.1:9200`). Set: the leading watcher ships the containers of cite's services there, the apps send their own logs and the deployer its deploy logs, and log search answers. Unset: search answers 501; the live tail still works. `npm start` sets it when Java is present.",
  },
  {
    env: 'CITE_LOGS_SHIPPER',
    file: 'logs.shipper',
    kind: 'boolean',
    default: 'true',
    description:
      "Whether the leading watcher ships the containers' logs to `CITE_LOGS_URL` (`false` where a fluent-bit DaemonSet does it: ops/fluent-bit/).",
  },
  {
    env: 'CITE_KIBANA_URL',
    file: 'logs.kibanaUrl',
    kind: 'url',
    description:
      "Kibana's (or OpenSearch Dashboards') base URL: each service's log search answers a Discover link for it.",
  },
  {
    env: 'CITE_LOCAL_DIR',
    file: 'local.dir',
    kind: 'path',
    description:
      '`npm start` and `npm run push-image`: where the local platform keeps its data, logs, PID files, kubeconfig and admin token. Unset: `.local/` at the repository root.',
  },
  {
    env: 'CITE_LAUNCHER_ANY_PORTS',
    file: 'local.anyPorts',
    kind: 'boolean',
    default: 'false',
    description:
      '`npm start`: `1` or `true` puts etcd, Redis, the registry and the local cluster on any free ports instead of 2379, 6379, 5000 and 6443 (to run next to another `npm start`); `0` or `false` uses those when free.',
  },
  {
    env: 'CITE_LOCAL_REGISTRY_URL',
    file: 'local.registryUrl',
    kind: 'url',
    description:
      '`npm run push-image`: the Docker Registry v2 to push to. Unset: the one `npm start` runs (its URL is in `<CITE_LOCAL_DIR>/registry/url`).',
  },
  {
    env: 'CITE_PUBLIC_URL',
    file: 'publicUrl',
    kind: 'url',
    default: 'http://localhost:8080',
    description:
      "cite's address as people and GitHub reach it: the links to releases that go back to GitHub in commit and deployment statuses.",
  },
  {
    env: 'CITE_GITHUB_WEBHOOK_SECRET',
    file: 'github.webhookSecret',
    kind: 'secret',
    description:
      "The secret GitHub signs webhook deliveries with (`X-Hub-Signature-256`), for every repository; a service's own `deployPolicy.webhookSecret` is accepted for its repository too. Without either, deliveries are refused with 401.",
  },
  {
    env: 'CITE_GITHUB_API_URL',
    file: 'github.apiUrl',
    kind: 'url',
    default: 'https://api.github.com',
    description: "GitHub's REST API; GitHub Enterprise Server's is `https://<host>/api/v3`.",
  },
  {
    env: 'CITE_GITHUB_TOKEN',
    file: 'github.token',
    kind: 'secret',
    description:
      'A token for the GitHub API (commit and deployment statuses, PR comments, confirming branch heads). Unset, and no GitHub App: cite deploys from webhooks but reports nothing back.',
  },
  {
    env: 'CITE_GITHUB_APP_ID',
    file: 'github.appId',
    kind: 'string',
    description:
      'GitHub App id, with `CITE_GITHUB_APP_PRIVATE_KEY_FILE`: installation tokens instead of `CITE_GITHUB_TOKEN`.',
  },
  {
    env: 'CITE_GITHUB_APP_PRIVATE_KEY_FILE',
    file: 'github.appPrivateKeyFile',
    kind: 'path',
    description: "The GitHub App's private key (PEM).",
  },
  {
    env: 'CITE_GITHUB_IMAGE_WAIT_SECONDS',
    file: 'github.imageWaitSeconds',
    kind: 'integer',
    min: 0,
    max: 7200,
    default: '600',
    description:
      "How long the deployer waits for CI to push a pushed commit's image tag to the registry (`CITE_REGISTRY_URL`) before failing the release with `image not found`.",
  },
  {
    env: 'CITE_GITHUB_WEBHOOK_MAX_BYTES',
    file: 'github.webhookMaxBytes',
    kind: 'integer',
    min: 1024,
    max: 26214400,
    default: '26214400',
    description: "Largest webhook body accepted (GitHub's own cap is 25 MB); larger ones get 413.",
  },
  {
    env: 'CITE_GITHUB_DELIVERY_TTL_HOURS',
    file: 'github.deliveryTtlHours',
    kind: 'integer',
    min: 1,
    max: 2160,
    default: '72',
    description: 'How long each webhook delivery is kept (listed, and recognised when GitHub redelivers it).',
  },
  {
    env: 'CITE_PREVIEW_DOMAIN',
    file: 'previews.domain',
    kind: 'host',
    description:
      'Preview services get the host `<service>-pr-<n>.<domain>`. Unset: previews have no Ingress host.',
  },
  {
    env: 'CITE_PREVIEW_LIMIT',
    file: 'previews.limit',
    kind: 'integer',
    min: 0,
    max: 1000,
    default: '5',
    description: 'Pull-request previews one service may have at once; beyond it a pull request gets none.',
  },
  {
    env: 'CITE_PREVIEW_TTL_HOURS',
    file: 'previews.ttlHours',
    kind: 'integer',
    min: 1,
    max: 8760,
    default: '168',
    description: 'Previews older than this are removed, even while their pull request stays open.',
  },
  {
    env: 'CITE_BATCH_REPORTS_KEEP',
    file: 'batch.reportsKeep',
    kind: 'integer',
    min: 1,
    max: 1000,
    default: '50',
    description:
      'Reports kept per batch task in etcd (`batch/reports/<task>/…`); older ones go when a run saves its own.',
  },
  {
    env: 'CITE_BATCH_SCHEDULES',
    file: 'batch.schedules',
    kind: 'string',
    default:
      'gc=*/30 * * * *;etcd-backup=0 * * * *;log-retention=30 3 * * *;health-check=*/5 * * * *;node-report=*/10 * * * *',
    description:
      'When `npm start` runs each batch task: `task=cron expression` pairs separated by `;` (five fields, or six with seconds first). A task left out is not scheduled, `none` schedules nothing; `etcd-restore` never is. In production the chart turns these into CronJobs.',
  },
  {
    env: 'CITE_BATCH_BACKUP_DIR',
    file: 'batch.backupDir',
    kind: 'path',
    default: '/var/lib/cite/backups',
    description:
      '`etcd-backup` writes its snapshots and their `.sha256` files here (`npm start`: `.local/backups`); `etcd-restore` reads the newest from here unless given a file.',
  },
  {
    env: 'CITE_BATCH_BACKUP_KEEP',
    file: 'batch.backupKeep',
    kind: 'integer',
    min: 1,
    max: 10000,
    default: '48',
    description: 'Snapshots kept in the backup directory; older ones (and their checksum files) are deleted.',
  },
  {
    env: 'CITE_BATCH_GC_KEEP_RELEASES',
    file: 'batch.gc.keepReleases',
    kind: 'integer',
    min: 1,
    max: 1000,
    default: '10',
    description:
      'Per service, gc keeps the ReplicaSets of the newest this-many revisions and of this many successful releases (rollback targets).',
  },
  {
    env: 'CITE_BATCH_GC_KEEP_RELEASE_LOGS',
    file: 'batch.gc.keepReleaseLogs',
    kind: 'integer',
    min: 1,
    max: 100000,
    default: '50',
    description:
      "Per service, gc keeps the deploy logs of the newest this-many releases in etcd (and always the kept releases').",
  },
  {
    env: 'CITE_BATCH_GC_RATE',
    file: 'batch.gc.rate',
    kind: 'integer',
    min: 1,
    max: 10000,
    default: '20',
    description: 'Most Kubernetes objects gc deletes per second.',
  },
  {
    env: 'CITE_BATCH_GC_BATCH',
    file: 'batch.gc.batch',
    kind: 'integer',
    min: 1,
    max: 500,
    default: '10',
    description: 'Kubernetes objects gc deletes at once.',
  },
  {
    env: 'CITE_LOGS_RETENTION_SERVICE_DAYS',
    file: 'logs.retention.serviceDays',
    kind: 'integer',
    min: 1,
    max: 36500,
    default: '14',
    description: '`log-retention` deletes `cite-logs-<team>-<date>` indices older than this many days.',
  },
  {
    env: 'CITE_LOGS_RETENTION_DEPLOY_DAYS',
    file: 'logs.retention.deployDays',
    kind: 'integer',
    min: 1,
    max: 36500,
    default: '90',
    description: '`log-retention` deletes `cite-deploys-<team>-<date>` indices older than this many days.',
  },
  {
    env: 'CITE_LOGS_RETENTION_SYSTEM_DAYS',
    file: 'logs.retention.systemDays',
    kind: 'integer',
    min: 1,
    max: 36500,
    default: '30',
    description:
      "`log-retention` deletes `cite-system-<date>` indices (cite's own logs) older than this many days.",
  },
  {
    env: 'CITE_BATCH_HEALTH_TIMEOUT_MS',
    file: 'batch.health.timeoutMs',
    kind: 'integer',
    min: 100,
    max: 60000,
    default: '2000',
    description: '`health-check` gives each probe of a service endpoint this long.',
  },
  {
    env: 'CITE_BATCH_HEALTH_RESTARTS',
    file: 'batch.health.restarts',
    kind: 'integer',
    min: 1,
    max: 100000,
    default: '5',
    description: '`health-check` flags a pod whose containers restarted at least this many times.',
  },
] as const satisfies readonly ConfigKey[];
