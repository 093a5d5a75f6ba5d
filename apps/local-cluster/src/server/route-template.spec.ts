import { ClusterState } from '../cluster-state';
import { routeTemplate } from './route-template';

describe('routeTemplate', () => {
  const { catalog } = new ClusterState({
    watchCacheSize: 100,
    serviceCidr: '10.96.0.0/12',
    clock: () => new Date(0),
  });

  it.each([
    ['GET', '/healthz', '/healthz'],
    ['GET', '/readyz/etcd', '/readyz'],
    ['GET', '/metrics', '/metrics'],
    ['GET', '/version?timeout=32s', '/version'],
    ['GET', '/apis/apps', '/apis/:group'],
    ['GET', '/apis/apps/v1/', '/apis/:group/:version'],
    ['GET', '/openapi/v3/apis/apps/v1', '/openapi/v3/:groupVersion'],
    ['GET', '/api/v1/namespaces', '/api/v1/namespaces'],
    ['PATCH', '/api/v1/namespaces/team-a', '/api/v1/namespaces/:name'],
    ['PUT', '/api/v1/namespaces/team-a/finalize', '/api/v1/namespaces/:name/finalize'],
    ['GET', '/api/v1/pods', '/api/v1/pods'],
    ['POST', '/api/v1/namespaces/team-a/pods', '/api/v1/namespaces/:namespace/pods'],
    ['GET', '/api/v1/namespaces/team-a/pods/web-1/log', '/api/v1/namespaces/:namespace/pods/:name/log'],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/team-a/deployments/web/scale',
      '/apis/apps/v1/namespaces/:namespace/deployments/:name/scale',
    ],
  ])('%s %s → %s', (method, url, template) => {
    expect(routeTemplate(catalog, method, url)).toBe(template);
  });

  it.each([
    ['GET', '/api/v1/namespaces/team-a/widgets'],
    ['GET', '/apis/example.com/v1/namespaces/a/things/b'],
    ['GET', '/apis/nothing'],
    ['GET', '/apis/apps/v9'],
    ['GET', '/api/v1/namespaces/team-a/pods/web-1/exec'],
    ['GET', '/favicon.ico'],
  ])('%s %s is unmatched', (method, url) => {
    expect(routeTemplate(catalog, method, url)).toBe('unmatched');
  });

  it.each([
    ['GET', '/api/v1/namespaces/team-a/pods?watch=true'],
    ['GET', '/api/v1/watch/namespaces/team-a/pods'],
    ['GET', '/api/v1/namespaces/team-a/pods/web-1/log?follow=true'],
  ])('%s %s is long-running: not timed', (method, url) => {
    expect(routeTemplate(catalog, method, url)).toBeUndefined();
  });
});
