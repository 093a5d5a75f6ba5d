import {
  freePort,
  pollUntil,
  runApp,
  testEtcdEndpoint,
  testRedisUrl,
  uniquePrefix,
} from '@cite/test-support';

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
      const ready = await pollUntil('/readyz to answer 200', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) return res;
        await res.arrayBuffer(); // not ready yet: let the connection go
        return undefined;
      });
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { dependencies: Record<string, { ok: boolean }> };
      expect(Object.keys(body.dependencies).sort()).toEqual(['etcd', 'redis']);
    } finally {
      expect(await api.stop('SIGTERM')).toBe(0);
    }
    expect(api.output()).toContain('"message":"stopped"');
  });

  it('ends open event streams at SIGTERM and exits 0 promptly', async () => {
    const port = await freePort();
    const token = 'main-spec-admin-token-0123456789abcdef';
    const api = await runApp('api', {
      CITE_API_PORT: String(port),
      CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
      CITE_ETCD_PREFIX: uniquePrefix('api-main-sse'),
      CITE_REDIS_URL: testRedisUrl(),
      CITE_ADMIN_TOKEN: token,
    });
    await api.waitForOutput('api listening');
    const base = `http://127.0.0.1:${port}/api/v1`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/services`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'sse', team: 't', image: 'registry.local:5000/t/sse', port: 80 }),
    });
    expect(created.status).toBe(201);
    const deployed = await fetch(`${base}/services/sse/deploys`, {
      method: 'POST',
      headers,
      body: '{"image":"v1"}',
    });
    expect(deployed.status).toBe(202);
    const stream = await fetch(`${base}/services/sse/releases/1/events`, { headers });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('event: status')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('event: status');
    const started = Date.now();
    expect(await api.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The server ended the stream rather than the connection being cut mid-way.
    expect((await reader.read()).done).toBe(true);
  }, 20_000);

  it('stops at start with one line naming a bad configuration key', async () => {
    const api = await runApp('api', { CITE_API_PORT: 'eighty' });
    expect(await api.exited).toBe(78);
    expect(api.output().trim()).toBe(
      'cite api: configuration error: CITE_API_PORT: must be an integer 1–65535 (got "eighty")',
    );
  });
});
