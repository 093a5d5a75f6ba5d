/**
 * Where the shared test dependencies are. The test runner (scripts/run-tests.mjs) or Jest's global setup
 * starts them and exports these variables; tests read them through these helpers only.
 */
export const TEST_ENV = {
  etcd: 'CITE_TEST_ETCD_ENDPOINT',
  redis: 'CITE_TEST_REDIS_URL',
  /** The search engine (an embedded OpenSearch; `CITE_TEST_LOGS_URL` names another, e.g. Elasticsearch 8). */
  logs: 'CITE_TEST_LOGS_URL',
} as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run tests through npm test or jest (global setup starts etcd and Redis)`,
    );
  return value;
}

export function testEtcdEndpoint(): string {
  return required(TEST_ENV.etcd);
}

export function testRedisUrl(): string {
  return required(TEST_ENV.redis);
}

export function testLogsUrl(): string {
  return required(TEST_ENV.logs);
}

/** A unique key prefix per test file/run so suites sharing one etcd never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `/cite-test/${label}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}/`;
}
