import {
  enumLabel,
  etcdOpLabel,
  httpMethodLabel,
  isBlockingRedisCommand,
  kubeCodeLabel,
  kubeRequestLabels,
  redisCommandLabel,
  statusLabel,
} from './labels';

describe('label values are bounded', () => {
  it.each([
    ['get', 'GET'],
    ['DELETE', 'DELETE'],
    ['PROPFIND', 'other'],
    [undefined, 'other'],
  ])('method %s → %s', (method, label) => {
    expect(httpMethodLabel(method)).toBe(label);
  });

  it.each([
    [200, '200'],
    [599, '599'],
    [99, 'other'],
    [600, 'other'],
    [200.5, 'other'],
  ])('status %s → %s', (status, label) => {
    expect(statusLabel(status)).toBe(label);
  });

  it('keeps enum-like words and folds anything else into other', () => {
    expect(enumLabel('superseded')).toBe('superseded');
    expect(enumLabel('in_progress')).toBe('in_progress');
    expect(enumLabel('Web Service')).toBe('other');
    expect(enumLabel('x'.repeat(40))).toBe('other');
  });

  it.each([
    ['get /cite/v1/services/web', 'get'],
    ['put /cite/v1/tokens/abc', 'put'],
    ['delete /cite/v1/domains/a.example', 'delete'],
    ['list /cite/v1/locks/', 'range'],
    ['read /cite/v1/locks/', 'range'],
    ['leader /cite/v1/election/x', 'range'],
    ['grant lease', 'lease'],
    ['grant lease for /cite/v1/idempotency/x', 'lease'],
    ['revoke lease', 'lease'],
    ['lease ttl', 'lease'],
    ['ping', 'status'],
    ['txn', 'txn'],
    ['allocate web/7', 'other'],
  ])('etcd action %j → op %s (the key is never kept)', (action, op) => {
    expect(etcdOpLabel(action)).toBe(op);
  });

  it('names known Redis commands, folds the rest, and knows the blocking ones', () => {
    expect(redisCommandLabel('EVALSHA')).toBe('evalsha');
    expect(redisCommandLabel('ping')).toBe('ping');
    expect(redisCommandLabel('flushall')).toBe('other');
    expect(isBlockingRedisCommand('bzpopmin')).toBe(true);
    expect(isBlockingRedisCommand('BRPOPLPUSH')).toBe(true);
    expect(isBlockingRedisCommand('evalsha')).toBe(false);
  });

  it.each([
    ['GET', '/apis/apps/v1/namespaces/team-a/deployments/web', false, 'get', 'deployments'],
    ['GET', '/apis/apps/v1/namespaces/team-a/deployments', false, 'list', 'deployments'],
    ['GET', '/apis/apps/v1/namespaces/team-a/deployments?watch=true', true, 'watch', 'deployments'],
    ['GET', '/api/v1/watch/namespaces/team-a/pods', false, 'watch', 'pods'],
    ['PATCH', '/apis/apps/v1/namespaces/team-a/deployments/web/scale', false, 'patch', 'deployments/scale'],
    ['PATCH', '/api/v1/namespaces/team-a', false, 'patch', 'namespaces'],
    ['GET', '/api/v1/namespaces', false, 'list', 'namespaces'],
    ['DELETE', '/apis/networking.k8s.io/v1/namespaces/a/ingresses/web', false, 'delete', 'ingresses'],
    ['DELETE', '/api/v1/namespaces/a/pods', false, 'deletecollection', 'pods'],
    ['POST', '/api/v1/namespaces/a/events', false, 'create', 'events'],
    ['PUT', '/api/v1/namespaces/a/pods/p/status', false, 'update', 'pods/status'],
    ['GET', '/version', false, 'get', 'version'],
    ['GET', '/apis/example.com/v1/namespaces/a/widgets/w', false, 'get', 'other'],
    ['GET', '/api/v1/namespaces/a/pods/p/exec', false, 'get', 'other'],
  ])('%s %s → %s %s', (method, path, watch, verb, resource) => {
    expect(kubeRequestLabels(method, path, watch)).toEqual({ verb, resource });
  });

  it('labels a Kubernetes call without an answer as code none', () => {
    expect(kubeCodeLabel(undefined)).toBe('none');
    expect(kubeCodeLabel(409)).toBe('409');
  });
});
