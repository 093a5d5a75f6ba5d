import { parseSettings, SETTINGS_KEYS } from './settings';

describe('parseSettings', () => {
  it('defaults to 127.0.0.1:6443, controllers on, kubeconfig in .local', () => {
    const result = parseSettings({});
    expect(result).toEqual({
      ok: true,
      options: expect.objectContaining({
        host: '127.0.0.1',
        port: 6443,
        tls: false,
        controllers: true,
        controllersNice: 10,
        kubeconfigPath: '.local/kubeconfig',
        delays: {},
      }),
    });
  });

  it('reads delays, TLS, token and snapshot', () => {
    const result = parseSettings({
      [SETTINGS_KEYS.port]: '0',
      [SETTINGS_KEYS.tls]: 'true',
      [SETTINGS_KEYS.token]: 'abc',
      [SETTINGS_KEYS.snapshot]: '/tmp/s.json',
      [SETTINGS_KEYS.startMs]: '0',
      [SETTINGS_KEYS.logIntervalMs]: '250',
    });
    expect(result.ok && result.options).toMatchObject({
      port: 0,
      tls: true,
      token: 'abc',
      snapshotFile: '/tmp/s.json',
      delays: { startMs: 0, logIntervalMs: 250 },
    });
  });

  it('reads the node heartbeat, grace period and default toleration seconds', () => {
    const result = parseSettings({
      [SETTINGS_KEYS.nodeHeartbeatMs]: '200',
      [SETTINGS_KEYS.nodeGracePeriodMs]: '3000',
      [SETTINGS_KEYS.defaultTolerationSeconds]: '0',
    });
    expect(result.ok && result.options).toMatchObject({
      nodeLifecycle: { heartbeatMs: 200, gracePeriodMs: 3000 },
      defaultTolerationSeconds: { notReady: 0, unreachable: 0 },
    });
    const unset = parseSettings({});
    expect(unset.ok && unset.options).toMatchObject({ nodeLifecycle: {} });
    expect(unset.ok && unset.options.defaultTolerationSeconds).toBeUndefined();
  });

  it('wants a grace period longer than the heartbeat', () => {
    const result = parseSettings({ [SETTINGS_KEYS.nodeGracePeriodMs]: '5000' });
    expect(result).toMatchObject({ ok: false, key: SETTINGS_KEYS.nodeGracePeriodMs });
    expect(!result.ok && result.message).toMatch(/must exceed the node heartbeat \(10000 ms\)/);
  });

  it('reads the ingress VIPs in order, and leaves them to the default when unset', () => {
    const result = parseSettings({ [SETTINGS_KEYS.ingressVips]: '10.60.25.250, 10.60.25.251' });
    expect(result.ok && result.options.ingressVips).toEqual(['10.60.25.250', '10.60.25.251']);
    const unset = parseSettings({});
    expect(unset.ok && unset.options.ingressVips).toBeUndefined();
  });

  it.each([
    ['10.60.25.300', /not a valid IPv4 address: "10\.60\.25\.300"/],
    ['10.60.25.250,', /not a valid IPv4 address: ""/],
    ['10.60.25.0/24', /not a valid IPv4 address/],
    ['10.0.0.1,10.0.0.1', /10\.0\.0\.1 twice/],
  ])('rejects %s as ingress VIPs, naming the variable', (value, message) => {
    const result = parseSettings({ [SETTINGS_KEYS.ingressVips]: value });
    expect(result).toMatchObject({ ok: false, key: 'CITE_LOCAL_CLUSTER_INGRESS_VIPS' });
    expect(!result.ok && result.message).toMatch(/^must be comma-separated IPv4 addresses: /);
    expect(!result.ok && result.message).toMatch(message);
  });

  it.each([
    [SETTINGS_KEYS.port, '70000'],
    [SETTINGS_KEYS.tls, 'maybe'],
    [SETTINGS_KEYS.registryUrl, 'ftp://x'],
    [SETTINGS_KEYS.logIntervalMs, '0'],
    [SETTINGS_KEYS.controllersNice, '20'],
    [SETTINGS_KEYS.nodeHeartbeatMs, '0'],
    [SETTINGS_KEYS.defaultTolerationSeconds, '-1'],
  ])('names the key of a bad value (%s=%s)', (key, value) => {
    const result = parseSettings({ [key]: value });
    expect(result).toMatchObject({ ok: false, key });
  });
});
