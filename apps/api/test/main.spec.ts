import { freePort, runApp, testEtcdEndpoint, testRedisUrl, uniquePrefix } from '@cite/test-support';

/** The api as users start it: a real process from the same bundle `npm run build` makes. */
describe('api process', () => {
  it('starts, is ready against etcd and Redis, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const api = await runApp('api', {
      CITE_API_PORT: String(port),
      CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
      CITE_ETCD_PREFIX: uniquePrefix('api-main'),
      CITE_REDIS_URL: testRedisUrl(),
    });
    try {
      await api.waitForOutput('api listening');
      let ready: Response | undefined;
      for (let i = 0; i < 50; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (ready.status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready?.status).toBe(200);
      const body = (await ready!.json()) as { dependencies: Record<string, { ok: boolean }> };
      expect(Object.keys(body.dependencies).sort()).toEqual(['etcd', 'redis']);
    } finally {
      expect(await api.stop('SIGTERM')).toBe(0);
    }
    expect(api.output()).toContain('"message":"stopped"');
  });

  it('stops at start with one line naming a bad configuration key', async () => {
    const api = await runApp('api', { CITE_API_PORT: 'eighty' });
    expect(await api.exited).toBe(78);
    expect(api.output().trim()).toBe(
      'cite api: configuration error: CITE_API_PORT: must be an integer 1–65535 (got "eighty")',
    );
  });
});
