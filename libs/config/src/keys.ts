/**
 * Every configuration key cite reads: one table, so parsing, defaults and the README reference come from
 * the same place. Environment variables win over the YAML file (`CITE_CONFIG_FILE`), which wins over defaults.
 */

export type KeyKind = 'string' | 'url' | 'urls' | 'port' | 'host' | 'prefix' | 'enum' | 'secret' | 'path';

export interface ConfigKey {
  /** Environment variable name. */
  env: string;
  /** Dotted path in the YAML file. */
  file: string;
  kind: KeyKind;
  /** Default when neither the environment nor the file sets it; undefined means optional with no value. */
  default?: string;
  /** Allowed values for `enum`. */
  values?: readonly string[];
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
    description: 'Port the API listens on (UI and API share it).',
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
] as const satisfies readonly ConfigKey[];
