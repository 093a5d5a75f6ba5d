import type { LocalClusterOptions } from './cluster';
import { ingressVipsProblem } from './controllers/ingress/reconcile-ingress';

/** The environment variables local-cluster reads (main.ts only). */
export const SETTINGS_KEYS = {
  host: 'CITE_LOCAL_CLUSTER_HOST',
  port: 'CITE_LOCAL_CLUSTER_PORT',
  tls: 'CITE_LOCAL_CLUSTER_TLS',
  token: 'CITE_LOCAL_CLUSTER_TOKEN',
  snapshot: 'CITE_LOCAL_CLUSTER_SNAPSHOT',
  kubeconfig: 'CITE_LOCAL_CLUSTER_KUBECONFIG',
  registryUrl: 'CITE_LOCAL_CLUSTER_REGISTRY_URL',
  controllers: 'CITE_LOCAL_CLUSTER_CONTROLLERS',
  controllersNice: 'CITE_LOCAL_CLUSTER_CONTROLLERS_NICE',
  watchCacheSize: 'CITE_LOCAL_CLUSTER_WATCH_CACHE_SIZE',
  ingressVips: 'CITE_LOCAL_CLUSTER_INGRESS_VIPS',
  containerCreatingMs: 'CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS',
  startMs: 'CITE_LOCAL_CLUSTER_START_MS',
  readyMs: 'CITE_LOCAL_CLUSTER_READY_MS',
  logIntervalMs: 'CITE_LOCAL_CLUSTER_LOG_INTERVAL_MS',
  nodeHeartbeatMs: 'CITE_LOCAL_CLUSTER_NODE_HEARTBEAT_MS',
  nodeGracePeriodMs: 'CITE_LOCAL_CLUSTER_NODE_GRACE_PERIOD_MS',
  defaultTolerationSeconds: 'CITE_LOCAL_CLUSTER_DEFAULT_TOLERATION_SECONDS',
} as const;

export type SettingsResult =
  | { ok: true; options: LocalClusterOptions & { kubeconfigPath: string; controllersNice: number } }
  | { ok: false; key: string; message: string };

class SettingError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

function integer(
  env: Record<string, string | undefined>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const text = env[key];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new SettingError(key, `must be an integer from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

function boolean(env: Record<string, string | undefined>, key: string): boolean | undefined {
  const text = env[key]?.toLowerCase();
  if (text === undefined || text === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new SettingError(key, `must be true or false, got "${env[key]}"`);
}

function url(env: Record<string, string | undefined>, key: string): string | undefined {
  const text = env[key];
  if (!text) return undefined;
  try {
    const parsed = new URL(text);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    return text.replace(/\/+$/, '');
  } catch {
    throw new SettingError(key, `must be an http(s) URL, got "${text}"`);
  }
}

/** Comma-separated IPv4 addresses (spaces around the commas allowed), in order. */
function addresses(env: Record<string, string | undefined>, key: string): string[] | undefined {
  const text = env[key];
  if (text === undefined || text.trim() === '') return undefined;
  const list = text.split(',').map((part) => part.trim());
  const problem = ingressVipsProblem(list);
  if (problem) throw new SettingError(key, `must be comma-separated IPv4 addresses: ${problem}`);
  return list;
}

/** Reads and checks every setting once; the first problem names its variable. */
export function parseSettings(env: Record<string, string | undefined>): SettingsResult {
  const keys = SETTINGS_KEYS;
  try {
    const delays = {
      containerCreatingMs: integer(env, keys.containerCreatingMs, 0, 3_600_000),
      startMs: integer(env, keys.startMs, 0, 3_600_000),
      readyMs: integer(env, keys.readyMs, 0, 3_600_000),
      logIntervalMs: integer(env, keys.logIntervalMs, 1, 3_600_000),
    };
    const nodeLifecycle = {
      heartbeatMs: integer(env, keys.nodeHeartbeatMs, 1, 3_600_000),
      gracePeriodMs: integer(env, keys.nodeGracePeriodMs, 1, 3_600_000),
    };
    const heartbeat = nodeLifecycle.heartbeatMs ?? 10_000;
    if (nodeLifecycle.gracePeriodMs !== undefined && nodeLifecycle.gracePeriodMs <= heartbeat)
      throw new SettingError(
        keys.nodeGracePeriodMs,
        `must exceed the node heartbeat (${heartbeat} ms), got "${env[keys.nodeGracePeriodMs]}"`,
      );
    const tolerationSeconds = integer(env, keys.defaultTolerationSeconds, 0, 86_400);
    const token = env[keys.token] || undefined;
    if (token !== undefined && /\s/.test(token))
      throw new SettingError(keys.token, 'must not contain whitespace');
    return {
      ok: true,
      options: {
        host: env[keys.host] || '127.0.0.1',
        port: integer(env, keys.port, 0, 65535) ?? 6443,
        tls: boolean(env, keys.tls) ?? false,
        token,
        snapshotFile: env[keys.snapshot] || undefined,
        kubeconfigPath: env[keys.kubeconfig] || '.local/kubeconfig',
        registryUrl: url(env, keys.registryUrl),
        controllers: boolean(env, keys.controllers) ?? true,
        controllersNice: integer(env, keys.controllersNice, 0, 19) ?? 10,
        watchCacheSize: integer(env, keys.watchCacheSize, 1, 10_000_000),
        ingressVips: addresses(env, keys.ingressVips),
        delays: Object.fromEntries(Object.entries(delays).filter(([, value]) => value !== undefined)),
        nodeLifecycle: Object.fromEntries(
          Object.entries(nodeLifecycle).filter(([, value]) => value !== undefined),
        ),
        ...(tolerationSeconds === undefined
          ? {}
          : { defaultTolerationSeconds: { notReady: tolerationSeconds, unreachable: tolerationSeconds } }),
      },
    };
  } catch (error) {
    if (error instanceof SettingError) return { ok: false, key: error.key, message: error.message };
    throw error;
  }
}
