import { banner } from './banner';

describe('banner', () => {
  const text = banner({
    apiPort: 8080,
    local: '.local',
    etcd: 'http://127.0.0.1:2379',
    redis: 'redis://127.0.0.1:6379',
    registryUrl: 'http://127.0.0.1:5000',
    registryHost: '127.0.0.1:5000',
    clusterPort: 6443,
  });

  it('names the API and its docs page, and says there is no web UI yet', () => {
    expect(text).toContain(
      'API          http://localhost:8080/api/v1 — docs http://localhost:8080/api/docs (the web UI is not built yet)',
    );
    expect(text).not.toMatch(/UI and API/);
    expect(text).not.toMatch(/http:\/\/localhost:8080\s/);
  });
});
