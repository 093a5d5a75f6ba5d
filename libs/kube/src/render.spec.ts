import { exampleRelease, exampleService } from '@cite/model/testing';
import { changeCause, renderService } from './render';

const service = exampleService({ name: 'web', team: 'shop', labels: { 'example.com/tier': 'front' } });
const release = exampleRelease({
  service: 'web',
  number: 4,
  image: 'registry.local:5000/shop/web:v4',
  actor: 'github:octocat',
  config: {
    port: 8080,
    replicas: 3,
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'FEATURE', value: 'on' },
    ],
    healthCheck: {
      path: '/healthz',
      initialDelaySeconds: 2,
      periodSeconds: 5,
      timeoutSeconds: 1,
      failureThreshold: 3,
    },
    domains: ['shop.example.com', 'www.shop.example.com'],
  },
});

describe('renderService', () => {
  const rendered = renderService(service, release, { progressDeadlineSeconds: 30 });
  const { deployment } = rendered;
  const container = deployment.spec?.template.spec?.containers[0];

  it('names every object after the service, in the team namespace, with cite labels', () => {
    expect(rendered.namespace.metadata?.name).toBe('cite-shop');
    for (const object of [rendered.deployment, rendered.service, rendered.ingress]) {
      expect(object?.metadata?.name).toBe('web');
      expect(object?.metadata?.namespace).toBe('cite-shop');
      expect(object?.metadata?.labels).toEqual({
        'example.com/tier': 'front',
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/managed-by': 'cite',
        'cite.dev/team': 'shop',
        'cite.dev/release': '4',
      });
    }
    expect(rendered.namespace.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'cite',
      'cite.dev/team': 'shop',
    });
  });

  it('selects pods by name only and keeps the release off the pod template', () => {
    expect(deployment.spec?.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'web' });
    expect(rendered.service.spec?.selector).toEqual({ 'app.kubernetes.io/name': 'web' });
    expect(deployment.spec?.template.metadata?.labels).not.toHaveProperty('cite.dev/release');
    expect(deployment.spec?.template.metadata?.labels?.['app.kubernetes.io/name']).toBe('web');
    expect(deployment.spec?.template.metadata?.annotations).toBeUndefined();
  });

  it('runs the release image with its env, port and resources', () => {
    expect(container?.name).toBe('app');
    expect(container?.image).toBe('registry.local:5000/shop/web:v4');
    expect(container?.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'FEATURE', value: 'on' },
    ]);
    expect(container?.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container?.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    expect(deployment.spec?.replicas).toBe(3);
  });

  it('probes readiness and liveness over HTTP on the health-check path', () => {
    expect(container?.readinessProbe).toEqual({
      httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
      initialDelaySeconds: 2,
      periodSeconds: 5,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container?.livenessProbe?.failureThreshold).toBe(6);
  });

  it('rolls out with surge and no unavailability, a progress deadline and bounded history', () => {
    expect(deployment.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
    });
    expect(deployment.spec?.progressDeadlineSeconds).toBe(30);
    expect(deployment.spec?.revisionHistoryLimit).toBe(10);
    expect(renderService(service, release).deployment.spec?.progressDeadlineSeconds).toBe(120);
  });

  it('records the change cause on the Deployment', () => {
    expect(deployment.metadata?.annotations).toEqual({
      'kubernetes.io/change-cause':
        'release 4: deploy image registry.local:5000/shop/web:v4 by github:octocat',
    });
    expect(
      changeCause({ ...release, number: 6, cause: 'rollback', rollbackOf: 2, actor: 'system:deployer' }),
    ).toBe('release 6: rollback to release 2 (image registry.local:5000/shop/web:v4) by system:deployer');
  });

  it('exposes the port on a ClusterIP Service and routes every domain through the Ingress', () => {
    expect(rendered.service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'web' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(rendered.ingress?.spec?.rules?.map((rule) => rule.host)).toEqual([
      'shop.example.com',
      'www.shop.example.com',
    ]);
    expect(rendered.ingress?.spec?.rules?.[0]?.http?.paths[0]).toEqual({
      path: '/',
      pathType: 'Prefix',
      backend: { service: { name: 'web', port: { number: 8080 } } },
    });
    expect(rendered.ingress?.spec?.ingressClassName).toBeUndefined();
    expect(
      renderService(service, release, { ingressClassName: 'nginx' }).ingress?.spec?.ingressClassName,
    ).toBe('nginx');
  });

  it('renders no Ingress without domains', () => {
    const plain = renderService(service, { ...release, config: { ...release.config, domains: [] } });
    expect(plain.ingress).toBeUndefined();
  });

  it('is pure: same inputs, equal objects; a scale-only release keeps the pod template', () => {
    expect(renderService(service, release)).toEqual(renderService(service, release));
    const scaled = renderService(service, {
      ...release,
      number: 5,
      cause: 'scale',
      config: { ...release.config, replicas: 7 },
    });
    expect(scaled.deployment.spec?.template).toEqual(
      renderService(service, release).deployment.spec?.template,
    );
    expect(scaled.deployment.spec?.replicas).toBe(7);
  });

  it('refuses a release of another service', () => {
    expect(() => renderService(service, { ...release, service: 'other' })).toThrow(/not web/);
  });
});
