import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@cite/errors';
import { configReference, loadConfig } from './config';

const root = path.resolve(import.meta.dirname, '../../..');

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives sensible defaults with an empty environment', () => {
    const config = loadConfig({ env: {} });
    expect(config).toEqual({
      etcd: { endpoints: ['http://127.0.0.1:2379'], prefix: '/cite/v1/', timeoutMs: 3000 },
      redis: { url: 'redis://127.0.0.1:6379' },
      api: { host: '127.0.0.1', port: 8080 },
      log: { level: 'info' },
      auth: {},
      kube: {},
      registry: {},
      watcher: { lbVips: [], electionTtlSeconds: 10, metricsHost: '127.0.0.1', metricsPort: 0 },
      logs: { shipper: true },
      images: { allowedRegistries: [], teamRegistries: {} },
      deployer: {
        concurrency: 64,
        progressDeadlineSeconds: 120,
        jobLockSeconds: 30,
        lockTtlSeconds: 15,
        shutdownGraceSeconds: 20,
        metricsHost: '127.0.0.1',
        metricsPort: 0,
      },
      metrics: {},
      local: { anyPorts: false },
      publicUrl: 'http://localhost:8080',
      github: {
        apiUrl: 'https://api.github.com',
        imageWaitSeconds: 600,
        webhookMaxBytes: 26214400,
        deliveryTtlHours: 72,
      },
      previews: { limit: 5, ttlHours: 168 },
      batch: {
        reportsKeep: 50,
        schedules: {
          gc: '*/30 * * * *',
          'etcd-backup': '0 * * * *',
          'log-retention': '30 3 * * *',
          'health-check': '*/5 * * * *',
          'node-report': '*/10 * * * *',
        },
        backupDir: '/var/lib/cite/backups',
        backupKeep: 48,
        gc: { keepReleases: 10, keepReleaseLogs: 50, rate: 20, batch: 10 },
        logRetentionDays: { logs: 14, deploys: 90, system: 30 },
        health: { timeoutMs: 2000, restarts: 5 },
      },
    });
  });

  it('reads the GitHub keys, and wants both halves of a GitHub App', () => {
    const config = loadConfig({
      env: {
        CITE_GITHUB_WEBHOOK_SECRET: 'a-webhook-secret-of-some-good-length',
        CITE_GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
        CITE_GITHUB_APP_ID: '12345',
        CITE_GITHUB_APP_PRIVATE_KEY_FILE: '/etc/cite/app.pem',
        CITE_PREVIEW_DOMAIN: 'preview.example.com',
      },
    });
    expect(config.github).toMatchObject({
      webhookSecret: 'a-webhook-secret-of-some-good-length',
      apiUrl: 'https://ghe.example.com/api/v3',
      app: { appId: '12345', privateKeyFile: '/etc/cite/app.pem' },
    });
    expect(config.previews.domain).toBe('preview.example.com');
    expect(errorOf(() => loadConfig({ env: { CITE_GITHUB_APP_ID: '1' } })).message).toMatch(
      /CITE_GITHUB_APP_PRIVATE_KEY_FILE/,
    );
  });

  it('reads the local platform keys, from the environment or the file, and the launcher defaults', () => {
    const config = loadConfig(
      {
        env: {
          CITE_LOCAL_DIR: '/tmp/cite-local',
          CITE_LAUNCHER_ANY_PORTS: '1',
          CITE_LOCAL_REGISTRY_URL: 'http://127.0.0.1:5001/',
        },
      },
      'launcher',
    );
    expect(config.local).toEqual({
      dir: '/tmp/cite-local',
      anyPorts: true,
      registryUrl: 'http://127.0.0.1:5001',
    });
    // Under the launcher a rollout fails after 30 s unless told otherwise; every other app keeps 120 s.
    expect(config.deployer.progressDeadlineSeconds).toBe(30);
    expect(loadConfig({ env: {} }, 'deployer').deployer.progressDeadlineSeconds).toBe(120);
    const told = { CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: '45' };
    expect(loadConfig({ env: told }, 'launcher').deployer.progressDeadlineSeconds).toBe(45);
    const fileText = 'local:\n  anyPorts: true\n  dir: /srv/cite\ndeployer:\n  progressDeadlineSeconds: 60\n';
    const fromFile = loadConfig({ env: {}, fileText, fileName: 'cite.yaml' }, 'launcher');
    expect(fromFile.local).toEqual({ dir: '/srv/cite', anyPorts: true });
    expect(fromFile.deployer.progressDeadlineSeconds).toBe(60);
    for (const [value, anyPorts] of [
      ['true', true],
      ['0', false],
      ['false', false],
    ] as const)
      expect(loadConfig({ env: { CITE_LAUNCHER_ANY_PORTS: value } }).local.anyPorts).toBe(anyPorts);
  });

  it('reads the allowed registries, global and per team, and refuses malformed ones', () => {
    const config = loadConfig({
      env: {
        CITE_ALLOWED_REGISTRIES: 'Registry.Local:5000, docker.io',
        CITE_TEAM_REGISTRIES: 'payments=reg.pay.example:5000; demo=127.0.0.1:5000|docker.io',
      },
    });
    expect(config.images).toEqual({
      allowedRegistries: ['registry.local:5000', 'docker.io'],
      teamRegistries: { payments: ['reg.pay.example:5000'], demo: ['127.0.0.1:5000', 'docker.io'] },
    });
    expect(() => loadConfig({ env: { CITE_ALLOWED_REGISTRIES: 'https://reg.example' } })).toThrow(
      /CITE_ALLOWED_REGISTRIES/,
    );
    expect(() => loadConfig({ env: { CITE_TEAM_REGISTRIES: 'payments' } })).toThrow(/team=registry/);
    expect(() => loadConfig({ env: { CITE_TEAM_REGISTRIES: 'payments=' } })).toThrow(/names no registry/);
  });

  it("reads the watcher's load-balancer VIPs and refuses what is not an IPv4 address, naming the key", () => {
    expect(
      loadConfig({ env: { CITE_WATCHER_LB_VIPS: '10.60.25.250, 10.60.25.251' } }).watcher.lbVips,
    ).toEqual(['10.60.25.250', '10.60.25.251']);
    expect(() => loadConfig({ env: { CITE_WATCHER_LB_VIPS: '10.60.25.250,lb.example' } })).toThrow(
      /CITE_WATCHER_LB_VIPS.*"lb.example" is not an IPv4 address/,
    );
  });

  it('reads the deployer keys: kubeconfig path, registry URL without a trailing slash, integers', () => {
    const config = loadConfig({
      env: {
        CITE_KUBECONFIG: '/etc/cite/kubeconfig',
        CITE_REGISTRY_URL: 'http://127.0.0.1:5000/',
        CITE_DEPLOYER_CONCURRENCY: '3',
        CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: '30',
      },
    });
    expect(config.kube).toEqual({ kubeconfig: '/etc/cite/kubeconfig' });
    expect(config.registry).toEqual({ url: 'http://127.0.0.1:5000' });
    expect(config.deployer).toMatchObject({ concurrency: 3, progressDeadlineSeconds: 30 });
  });

  it('reads the batch keys: schedules as task=cron pairs, retention days, gc limits; refuses what croner cannot read', () => {
    const config = loadConfig({
      env: {
        CITE_BATCH_SCHEDULES: ' gc=0 4 * * * ; etcd-backup=*/10 * * * * *',
        CITE_LOGS_RETENTION_SERVICE_DAYS: '7',
        CITE_BATCH_GC_KEEP_RELEASES: '3',
      },
    });
    expect(config.batch).toMatchObject({
      schedules: { gc: '0 4 * * *', 'etcd-backup': '*/10 * * * * *' },
      logRetentionDays: { logs: 7, deploys: 90, system: 30 },
      gc: { keepReleases: 3, keepReleaseLogs: 50, rate: 20, batch: 10 },
      backupDir: '/var/lib/cite/backups',
    });
    expect(loadConfig({ env: { CITE_BATCH_SCHEDULES: 'none' } }).batch.schedules).toEqual({});
    expect(() => loadConfig({ env: { CITE_BATCH_SCHEDULES: 'etcd-restore=0 * * * *' } })).toThrow(
      /CITE_BATCH_SCHEDULES: "etcd-restore=0 \* \* \* \*" must be task=cron expression, task one of gc, etcd-backup/,
    );
    expect(() => loadConfig({ env: { CITE_BATCH_SCHEDULES: 'gc=0 * * * *;gc=5 * * * *' } })).toThrow(
      /gc is scheduled twice/,
    );
    expect(() => loadConfig({ env: { CITE_BATCH_SCHEDULES: 'gc=every hour' } })).toThrow(
      /CITE_BATCH_SCHEDULES: "every hour" \(gc\) is not a cron expression/,
    );
    expect(() => loadConfig({ env: { CITE_LOGS_RETENTION_DEPLOY_DAYS: '0' } })).toThrow(
      /CITE_LOGS_RETENTION_DEPLOY_DAYS/,
    );
  });

  it('lets the environment override the file and the file override defaults', () => {
    const fileText =
      'api:\n  port: 9000\n  host: 0.0.0.0\netcd:\n  endpoints: [http://10.0.0.1:2379, http://10.0.0.2:2379]\n';
    const config = loadConfig({ env: { CITE_API_PORT: '9100' }, fileText, fileName: 'cite.yaml' });
    expect(config.api).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(config.etcd.endpoints).toEqual(['http://10.0.0.1:2379', 'http://10.0.0.2:2379']);
  });

  it.each([
    [{ CITE_API_PORT: 'abc' }, 'CITE_API_PORT: must be an integer 1–65535 (got "abc")'],
    [{ CITE_API_PORT: '70000' }, 'CITE_API_PORT: must be an integer 1–65535 (got "70000")'],
    [
      { CITE_ETCD_ENDPOINTS: 'http://a:1,' },
      'CITE_ETCD_ENDPOINTS: must not contain an empty URL (got "http://a:1,")',
    ],
    [
      { CITE_ETCD_ENDPOINTS: 'localhost:2379' },
      'CITE_ETCD_ENDPOINTS: "localhost:2379" must use http: or https: (got "localhost:2379")',
    ],
    [
      { CITE_REDIS_URL: 'http://x' },
      'CITE_REDIS_URL: "http://x" must use redis: or rediss: (got "http://x")',
    ],
    [
      { CITE_ETCD_PREFIX: 'cite' },
      'CITE_ETCD_PREFIX: must start and end with "/" (e.g. /cite/v1/) (got "cite")',
    ],
    [
      { CITE_LOG_LEVEL: 'loud' },
      'CITE_LOG_LEVEL: must be one of error, warn, info, http, debug (got "loud")',
    ],
    [{ CITE_ETCD_TIMEOUT_MS: '5' }, 'CITE_ETCD_TIMEOUT_MS: must be an integer 100–60000 (got "5")'],
    [{ CITE_DEPLOYER_CONCURRENCY: '0' }, 'CITE_DEPLOYER_CONCURRENCY: must be an integer 1–256 (got "0")'],
    [
      { CITE_REGISTRY_URL: 'registry:5000' },
      'CITE_REGISTRY_URL: "registry:5000" must use http: or https: (got "registry:5000")',
    ],
    [{ CITE_LAUNCHER_ANY_PORTS: 'yes' }, 'CITE_LAUNCHER_ANY_PORTS: must be 1, 0, true or false (got "yes")'],
    [
      { CITE_LAUNCHER_ANY_PORTS: 'toString' },
      'CITE_LAUNCHER_ANY_PORTS: must be 1, 0, true or false (got "toString")',
    ],
    [
      { CITE_LOCAL_REGISTRY_URL: '127.0.0.1:5000' },
      'CITE_LOCAL_REGISTRY_URL: "127.0.0.1:5000" is not a URL (got "127.0.0.1:5000")',
    ],
  ])('rejects %j with one line naming the key', (env, message) => {
    const error = errorOf(() => loadConfig({ env }));
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it('never echoes a secret in an error', () => {
    const error = errorOf(() => loadConfig({ env: { CITE_ADMIN_TOKEN: 'short-secret' } }));
    expect(error.key).toBe('CITE_ADMIN_TOKEN');
    expect(error.message).not.toContain('short-secret');
    expect(error.message).toContain('12 characters');
  });

  it('names the file key for bad file values and unknown keys', () => {
    expect(
      errorOf(() => loadConfig({ env: {}, fileText: 'api:\n  port: nope\n', fileName: 'c.yaml' })).message,
    ).toBe('CITE_API_PORT (c.yaml:api.port): must be an integer 1–65535 (got "nope")');
    expect(
      errorOf(() => loadConfig({ env: {}, fileText: 'api:\n  prot: 1\n', fileName: 'c.yaml' })).message,
    ).toBe('api.prot: unknown key in c.yaml');
    expect(errorOf(() => loadConfig({ env: {}, fileText: 'a: [', fileName: 'c.yaml' })).key).toBe(
      'CITE_CONFIG_FILE',
    );
  });
});

describe('configReference', () => {
  it('is embedded verbatim in README.md', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(configReference());
  });
});
