import { ConfigError } from '@cite/errors';
import { parse as parseYaml } from 'yaml';
import { isIP } from 'node:net';
import { CONFIG_KEYS, type ConfigKey } from './keys';
import { batchSchedules } from './schedules';

export type LogLevel = 'error' | 'warn' | 'info' | 'http' | 'debug';

export interface CiteConfig {
  etcd: { endpoints: string[]; prefix: string; timeoutMs: number };
  redis: { url: string };
  /** `trustedProxies`: only when `CITE_API_TRUSTED_PROXIES` names some. */
  api: { host: string; port: number; trustedProxies?: string[]; webDir?: string };
  log: { level: LogLevel };
  auth: { adminToken?: string };
  /** Where the deployer finds the cluster; no kubeconfig means the client's defaults (KUBECONFIG, ~/.kube, in-cluster). */
  kube: { kubeconfig?: string };
  /** The image registry checked before deploying, when set. */
  registry: { url?: string };
  /** Registries members' images may come from: the global list (empty: any) and per-team lists replacing it. */
  images: { allowedRegistries: string[]; teamRegistries: Record<string, string[]> };
  deployer: {
    concurrency: number;
    progressDeadlineSeconds: number;
    jobLockSeconds: number;
    lockTtlSeconds: number;
    shutdownGraceSeconds: number;
    /** The deployer's `/metrics` and `/healthz` server; port 0 picks a free one. */
    metricsHost: string;
    metricsPort: number;
  };
  watcher: {
    /** `CITE_WATCHER_LB_VIPS`: a domain's targets while its Ingress publishes no address. */
    lbVips: string[];
    electionTtlSeconds: number;
    metricsHost: string;
    metricsPort: number;
  };
  /** The search engine logs go to (`url`), and Kibana for links (`kibanaUrl`); each only when set. */
  logs: { url?: string; kibanaUrl?: string; shipper: boolean };
  /** `/metrics` of the api and the deployer; a scrape must present `token` when one is set. */
  metrics: { token?: string };
  /** The local platform (`npm start`, `npm run push-image`); `dir` and `registryUrl` only when set. */
  local: { dir?: string; anyPorts: boolean; registryUrl?: string };
  publicUrl: string;
  /** GitHub: what signs webhooks, how to reach the API (token or App), and the previews' rules. */
  github: {
    webhookSecret?: string;
    apiUrl: string;
    token?: string;
    app?: { appId: string; privateKeyFile: string };
    imageWaitSeconds: number;
    webhookMaxBytes: number;
    deliveryTtlHours: number;
  };
  previews: { domain?: string; limit: number; ttlHours: number };
  /** `cite-batch`: reports kept, schedules for `npm start`, and each task's settings. */
  batch: {
    reportsKeep: number;
    /** Task → cron expression, for the tasks `npm start` schedules. */
    schedules: Record<string, string>;
    backupDir: string;
    backupKeep: number;
    gc: { keepReleases: number; keepReleaseLogs: number; rate: number; batch: number };
    logRetentionDays: { logs: number; deploys: number; system: number };
    health: { timeoutMs: number; restarts: number };
  };
}

export interface ConfigSources {
  /** Usually `process.env`, read by main.ts only. */
  env: Record<string, string | undefined>;
  /** Text of the YAML file named by CITE_CONFIG_FILE, when one is given. */
  fileText?: string;
  /** Name of that file, for messages. */
  fileName?: string;
}

type Raw = Map<string, { value: string; from: string }>;

function flattenFile(text: string, fileName: string): Raw {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      'CITE_CONFIG_FILE',
      `${fileName} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const raw: Raw = new Map();
  if (doc === null || doc === undefined) return raw;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError('CITE_CONFIG_FILE', `${fileName} must hold a mapping of keys`);
  }
  const known = new Set<string>(CONFIG_KEYS.map((k) => k.file));
  const walk = (node: Record<string, unknown>, path: string[]) => {
    for (const [name, value] of Object.entries(node)) {
      const at = [...path, name];
      const dotted = at.join('.');
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, at);
      } else if (!known.has(dotted)) {
        throw new ConfigError(dotted, `unknown key in ${fileName}`);
      } else {
        const text = Array.isArray(value) ? value.map(String).join(',') : value === null ? '' : String(value);
        raw.set(dotted, { value: text, from: `${fileName}:${dotted}` });
      }
    }
  };
  walk(doc as Record<string, unknown>, []);
  return raw;
}

function check(key: ConfigKey, value: string): string | undefined {
  switch (key.kind) {
    case 'port': {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)
        return 'must be an integer 1–65535';
      return undefined;
    }
    case 'url':
    case 'urls': {
      const parts = key.kind === 'urls' ? value.split(',').map((s) => s.trim()) : [value];
      if (parts.some((p) => p === '')) return 'must not contain an empty URL';
      for (const part of parts) {
        let url: URL;
        try {
          url = new URL(part);
        } catch {
          return `"${part}" is not a URL`;
        }
        const allowed = key.env === 'CITE_REDIS_URL' ? ['redis:', 'rediss:'] : ['http:', 'https:'];
        if (!allowed.includes(url.protocol)) return `"${part}" must use ${allowed.join(' or ')}`;
      }
      return undefined;
    }
    case 'integer': {
      const min = key.min ?? 0;
      const max = key.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
        return `must be an integer ${min}–${max}`;
      return undefined;
    }
    case 'host':
      return /^[A-Za-z0-9.:-]+$/.test(value) ? undefined : 'must be a host name or IP address';
    case 'prefix':
      return value.startsWith('/') && value.endsWith('/') && !value.includes('//')
        ? undefined
        : 'must start and end with "/" (e.g. /cite/v1/)';
    case 'enum':
      return key.values?.includes(value) ? undefined : `must be one of ${key.values?.join(', ')}`;
    case 'secret':
      return value.length >= 32 ? undefined : 'must be at least 32 characters';
    case 'boolean':
      return Object.hasOwn(BOOLEANS, value) ? undefined : 'must be 1, 0, true or false';
    default:
      return undefined;
  }
}

const BOOLEANS: Record<string, boolean> = { '1': true, true: true, '0': false, false: false };

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

const withProxies = (proxies: string[] | undefined) => (proxies ? { trustedProxies: proxies } : {});

/** `CITE_API_TRUSTED_PROXIES` → its entries, each an IP, a CIDR or one of Express's names. */
function trustedProxies(value: string | undefined): string[] | undefined {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const ok =
      PROXY_NAMES.includes(entry) ||
      (family !== 0 &&
        rest.length === 0 &&
        (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits)));
    if (!ok) {
      throw new ConfigError(
        'CITE_API_TRUSTED_PROXIES',
        `"${entry}" is not an IP address, a CIDR or one of ${PROXY_NAMES.join(', ')}`,
      );
    }
  }
  return entries.length === 0 ? undefined : entries;
}

const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;

/** `CITE_ALLOWED_REGISTRIES` → registries, lowercased. */
function registryList(env: string, value: string | undefined, separator = ','): string[] {
  const registries = (value ?? '')
    .split(separator)
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
  const bad = registries.find((registry) => !REGISTRY.test(registry));
  if (bad !== undefined) throw new ConfigError(env, `"${bad}" is not a registry host[:port]`);
  return registries;
}

/** A comma-separated list of IPv4 addresses (`CITE_WATCHER_LB_VIPS`). */
function ipv4List(env: string, value: string | undefined): string[] {
  const addresses = (value ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = addresses.find((address) => isIP(address) !== 4);
  if (bad !== undefined) throw new ConfigError(env, `"${bad}" is not an IPv4 address`);
  return addresses;
}

/** `CITE_TEAM_REGISTRIES`: `team=registry|registry;team=registry`. */
function teamRegistries(value: string | undefined): Record<string, string[]> {
  const teams: Record<string, string[]> = {};
  for (const part of (value ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const equals = part.indexOf('=');
    const team = part.slice(0, equals).trim();
    if (equals <= 0 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(team)) {
      throw new ConfigError('CITE_TEAM_REGISTRIES', `"${part}" must be team=registry|registry`);
    }
    teams[team] = registryList('CITE_TEAM_REGISTRIES', part.slice(equals + 1), '|');
    if (teams[team].length === 0) {
      throw new ConfigError('CITE_TEAM_REGISTRIES', `"${part}" names no registry`);
    }
  }
  return teams;
}

/** Describes a value for an error message without ever echoing a secret. */
function shown(key: ConfigKey, value: string): string {
  return key.kind === 'secret' ? `${value.length} characters` : JSON.stringify(value);
}

/**
 * Every key's value for `app` — the environment's, else the file's, else the (app's) default — each checked; an
 * optional key that is not set has undefined. The first problem throws a `ConfigError` naming the key.
 */
function readValues(sources: ConfigSources, app: string): Map<string, string | undefined> {
  const fromFile =
    sources.fileText !== undefined
      ? flattenFile(sources.fileText, sources.fileName ?? 'config file')
      : new Map();
  const values = new Map<string, string | undefined>();
  for (const key of CONFIG_KEYS as readonly ConfigKey[]) {
    const envValue = sources.env[key.env];
    const fileValue = fromFile.get(key.file);
    const fallback = key.appDefaults?.[app] ?? key.default;
    const value = envValue !== undefined && envValue !== '' ? envValue : (fileValue?.value ?? fallback);
    const source =
      envValue !== undefined && envValue !== ''
        ? key.env
        : fileValue
          ? fileValue.from
          : `${key.env} (default)`;
    if (value === undefined || value === '') {
      if (key.requiredBy?.includes(app)) throw new ConfigError(key.env, 'is required but not set');
      values.set(key.env, undefined);
      continue;
    }
    const problem = check(key, value);
    if (problem)
      throw new ConfigError(
        source === key.env ? key.env : `${key.env} (${source})`,
        `${problem} (got ${shown(key, value)})`,
      );
    values.set(key.env, value);
  }
  return values;
}

/**
 * Reads, checks and types the whole configuration once. The first problem found throws a `ConfigError`
 * whose message is one line naming the key and what is wrong.
 */
export function loadConfig(sources: ConfigSources, app = 'api'): CiteConfig {
  const values = readValues(sources, app);
  const get = (env: string) => values.get(env);
  const timeoutMs = Number(get('CITE_ETCD_TIMEOUT_MS'));
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    throw new ConfigError(
      'CITE_ETCD_TIMEOUT_MS',
      `must be an integer 100–60000 (got ${JSON.stringify(get('CITE_ETCD_TIMEOUT_MS'))})`,
    );
  }
  const adminToken = get('CITE_ADMIN_TOKEN');
  const metricsToken = get('CITE_METRICS_TOKEN');
  const kubeconfig = get('CITE_KUBECONFIG');
  const registryUrl = get('CITE_REGISTRY_URL');
  const localDir = get('CITE_LOCAL_DIR');
  const localRegistryUrl = get('CITE_LOCAL_REGISTRY_URL');
  const integer = (env: string) => Number(get(env));
  return {
    etcd: {
      endpoints: get('CITE_ETCD_ENDPOINTS')!
        .split(',')
        .map((s) => s.trim()),
      prefix: get('CITE_ETCD_PREFIX')!,
      timeoutMs,
    },
    redis: { url: get('CITE_REDIS_URL')! },
    api: {
      host: get('CITE_API_HOST')!,
      port: Number(get('CITE_API_PORT')),
      ...withProxies(trustedProxies(get('CITE_API_TRUSTED_PROXIES'))),
      ...(get('CITE_WEB_DIR') === undefined ? {} : { webDir: get('CITE_WEB_DIR')! }),
    },
    log: { level: get('CITE_LOG_LEVEL') as LogLevel },
    auth: adminToken === undefined ? {} : { adminToken },
    kube: kubeconfig === undefined ? {} : { kubeconfig },
    registry: registryUrl === undefined ? {} : { url: registryUrl.replace(/\/+$/, '') },
    images: {
      allowedRegistries: registryList('CITE_ALLOWED_REGISTRIES', get('CITE_ALLOWED_REGISTRIES')),
      teamRegistries: teamRegistries(get('CITE_TEAM_REGISTRIES')),
    },
    deployer: {
      concurrency: integer('CITE_DEPLOYER_CONCURRENCY'),
      progressDeadlineSeconds: integer('CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS'),
      jobLockSeconds: integer('CITE_DEPLOYER_JOB_LOCK_SECONDS'),
      lockTtlSeconds: integer('CITE_DEPLOYER_LOCK_TTL_SECONDS'),
      shutdownGraceSeconds: integer('CITE_DEPLOYER_SHUTDOWN_GRACE_SECONDS'),
      metricsHost: get('CITE_DEPLOYER_METRICS_HOST')!,
      metricsPort: integer('CITE_DEPLOYER_METRICS_PORT'),
    },
    watcher: {
      lbVips: ipv4List('CITE_WATCHER_LB_VIPS', get('CITE_WATCHER_LB_VIPS')),
      electionTtlSeconds: integer('CITE_WATCHER_ELECTION_TTL_SECONDS'),
      metricsHost: get('CITE_WATCHER_METRICS_HOST')!,
      metricsPort: integer('CITE_WATCHER_METRICS_PORT'),
    },
    logs: {
      ...optional('url', get('CITE_LOGS_URL')?.replace(/\/+$/, '')),
      ...optional('kibanaUrl', get('CITE_KIBANA_URL')?.replace(/\/+$/, '')),
      shipper: BOOLEANS[get('CITE_LOGS_SHIPPER')!]!,
    },
    metrics: metricsToken === undefined ? {} : { token: metricsToken },
    local: {
      ...(localDir === undefined ? {} : { dir: localDir }),
      anyPorts: BOOLEANS[get('CITE_LAUNCHER_ANY_PORTS')!]!,
      ...(localRegistryUrl === undefined ? {} : { registryUrl: localRegistryUrl.replace(/\/+$/, '') }),
    },
    publicUrl: get('CITE_PUBLIC_URL')!.replace(/\/+$/, ''),
    github: githubConfig(get, integer),
    previews: {
      ...optional('domain', get('CITE_PREVIEW_DOMAIN')),
      limit: integer('CITE_PREVIEW_LIMIT'),
      ttlHours: integer('CITE_PREVIEW_TTL_HOURS'),
    },
    batch: {
      reportsKeep: integer('CITE_BATCH_REPORTS_KEEP'),
      schedules: batchSchedules(get('CITE_BATCH_SCHEDULES') ?? ''),
      backupDir: get('CITE_BATCH_BACKUP_DIR')!,
      backupKeep: integer('CITE_BATCH_BACKUP_KEEP'),
      gc: {
        keepReleases: integer('CITE_BATCH_GC_KEEP_RELEASES'),
        keepReleaseLogs: integer('CITE_BATCH_GC_KEEP_RELEASE_LOGS'),
        rate: integer('CITE_BATCH_GC_RATE'),
        batch: integer('CITE_BATCH_GC_BATCH'),
      },
      logRetentionDays: {
        logs: integer('CITE_LOGS_RETENTION_SERVICE_DAYS'),
        deploys: integer('CITE_LOGS_RETENTION_DEPLOY_DAYS'),
        system: integer('CITE_LOGS_RETENTION_SYSTEM_DAYS'),
      },
      health: {
        timeoutMs: integer('CITE_BATCH_HEALTH_TIMEOUT_MS'),
        restarts: integer('CITE_BATCH_HEALTH_RESTARTS'),
      },
    },
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function githubConfig(
  get: (env: string) => string | undefined,
  integer: (env: string) => number,
): CiteConfig['github'] {
  const appId = get('CITE_GITHUB_APP_ID');
  const keyFile = get('CITE_GITHUB_APP_PRIVATE_KEY_FILE');
  if ((appId === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(
      appId === undefined ? 'CITE_GITHUB_APP_ID' : 'CITE_GITHUB_APP_PRIVATE_KEY_FILE',
      'a GitHub App needs both CITE_GITHUB_APP_ID and CITE_GITHUB_APP_PRIVATE_KEY_FILE',
    );
  }
  return {
    ...optional('webhookSecret', get('CITE_GITHUB_WEBHOOK_SECRET')),
    apiUrl: get('CITE_GITHUB_API_URL')!.replace(/\/+$/, ''),
    ...optional('token', get('CITE_GITHUB_TOKEN')),
    ...(appId !== undefined && keyFile !== undefined ? { app: { appId, privateKeyFile: keyFile } } : {}),
    imageWaitSeconds: integer('CITE_GITHUB_IMAGE_WAIT_SECONDS'),
    webhookMaxBytes: integer('CITE_GITHUB_WEBHOOK_MAX_BYTES'),
    deliveryTtlHours: integer('CITE_GITHUB_DELIVERY_TTL_HOURS'),
  };
}

/** The configuration reference as a Markdown table, embedded in the README (a test keeps them equal). */
export function configReference(): string {
  const rows = (CONFIG_KEYS as readonly ConfigKey[]).map((k) => {
    const perApp = Object.entries(k.appDefaults ?? {}).map(([app, value]) => `${app}: \`${value}\``);
    const def =
      k.default === undefined ? '—' : `\`${k.default}\`${perApp.length ? ` (${perApp.join(', ')})` : ''}`;
    const allowed = k.values ? ` One of ${k.values.map((v) => `\`${v}\``).join(', ')}.` : '';
    return `| \`${k.env}\` | \`${k.file}\` | ${def} | ${k.description}${allowed} |`;
  });
  return ['| variable | file key | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
