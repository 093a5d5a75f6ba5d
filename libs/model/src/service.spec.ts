import { InputError } from '@cite/errors';
import {
  applyServicePatch,
  newService,
  ServiceCreateSchema,
  ServicePatchSchema,
  ServiceSchema,
} from './service';
import { exampleService, EXAMPLE_TIME } from './testing';

const minimal = {
  name: 'payments-api',
  team: 'payments',
  image: 'registry.local:5000/payments/api',
  port: 8080,
};

function issuesOf(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('ServiceSchema', () => {
  it('round-trips a stored service through JSON unchanged', () => {
    const service = exampleService({ currentRelease: 4 });
    const parsed = ServiceSchema.parse(JSON.parse(JSON.stringify(service)));
    expect(parsed).toEqual(service);
    expect(ServiceSchema.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it('tolerates unknown keys in stored values (a newer writer) and drops them', () => {
    const parsed = ServiceSchema.parse({ ...exampleService(), futureField: 1 });
    expect(parsed).not.toHaveProperty('futureField');
  });

  it('ties deletedAt to the deleted state', () => {
    expect(issuesOf(ServiceSchema.safeParse(exampleService({ state: 'deleted' })))).toEqual([
      "deletedAt: required when state is 'deleted'",
    ]);
    expect(
      ServiceSchema.safeParse(exampleService({ state: 'deleted', deletedAt: EXAMPLE_TIME })).success,
    ).toBe(true);
    expect(issuesOf(ServiceSchema.safeParse(exampleService({ deletedAt: EXAMPLE_TIME })))).toEqual([
      "deletedAt: allowed only when state is 'deleted'",
    ]);
  });

  it.each([
    [{ name: 'a'.repeat(64) }, 'name'],
    [{ name: '1api' }, 'name'],
    [{ team: 'a'.repeat(59) }, 'team'],
    [{ repo: 'not-a-repo' }, 'repo'],
    [{ image: 'registry.local:5000/payments/api:1.0' }, 'image'],
    [{ port: 0 }, 'port'],
    [{ replicas: -1 }, 'replicas'],
    [{ replicas: 1001 }, 'replicas'],
    [{ replicas: 1.5 }, 'replicas'],
    [{ healthCheck: { ...exampleService().healthCheck, path: 'healthz' } }, 'healthCheck.path'],
    [{ healthCheck: { ...exampleService().healthCheck, periodSeconds: 0 } }, 'healthCheck.periodSeconds'],
    [{ domains: ['a.example.com', 'a.example.com'] }, 'domains.1'],
    [{ domains: ['*.example.com'] }, 'domains.0'],
    [{ domains: ['A.example.com'] }, 'domains.0'],
    [{ deployPolicy: { branch: 'a..b', autoDeploy: true, previews: false } }, 'deployPolicy.branch'],
    [{ labels: { 'bad key!': 'v' } }, 'labels.bad key!'],
    [{ labels: { app: '-v' } }, 'labels.app'],
    [
      {
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      },
      'env.1.name',
    ],
    [
      { resources: { cpu: { request: '1', limit: '500m' }, memory: { request: '1Gi', limit: '1Gi' } } },
      'resources.cpu.request',
    ],
    [
      { resources: { cpu: { request: '1', limit: '1' }, memory: { request: '1Gi', limit: '1000Mi' } } },
      'resources.memory.request',
    ],
    [
      { resources: { cpu: { request: '0', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' } } },
      'resources.cpu.request',
    ],
    [{ state: 'gone' }, 'state'],
    [{ updatedAt: '2024-05-01' }, 'updatedAt'],
    [{ currentRelease: 0 }, 'currentRelease'],
  ] as [Record<string, unknown>, string][])('rejects %p at %s', (overrides, path) => {
    const result = ServiceSchema.safeParse({ ...exampleService(), ...overrides });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([path]);
  });

  it('accepts equal requests and limits written in different units', () => {
    const resources = { cpu: { request: '0.5', limit: '500m' }, memory: { request: '1Gi', limit: '1024Mi' } };
    expect(ServiceSchema.safeParse(exampleService({ resources })).success).toBe(true);
  });
});

describe('ServiceCreateSchema', () => {
  it('fills the defaults', () => {
    expect(ServiceCreateSchema.parse(minimal)).toEqual({
      ...minimal,
      replicas: 1,
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
      env: [],
      healthCheck: {
        path: '/',
        initialDelaySeconds: 0,
        periodSeconds: 10,
        timeoutSeconds: 1,
        failureThreshold: 3,
      },
      domains: [],
      deployPolicy: { branch: 'main', autoDeploy: true, previews: false, tagTemplate: '{sha}' },
      autoRollback: true,
      labels: {},
    });
  });

  it('fills parts of nested objects and never shares default objects between results', () => {
    const created = ServiceCreateSchema.parse({
      ...minimal,
      healthCheck: { path: '/healthz' },
      deployPolicy: { previews: true },
    });
    expect(created.healthCheck).toEqual({
      path: '/healthz',
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    });
    expect(created.deployPolicy).toEqual({
      branch: 'main',
      autoDeploy: true,
      previews: true,
      tagTemplate: '{sha}',
    });
    const first = ServiceCreateSchema.parse(minimal);
    first.env.push({ name: 'X', value: '1' });
    first.resources.cpu.limit = '9';
    expect(ServiceCreateSchema.parse(minimal).env).toEqual([]);
    expect(ServiceCreateSchema.parse(minimal).resources.cpu.limit).toBe('500m');
  });

  it.each([
    [{ cpu: { request: '2' } }, { request: '2', limit: '2' }],
    [{ cpu: { request: '200m' } }, { request: '200m', limit: '500m' }],
    [{ cpu: { limit: '50m' } }, { request: '50m', limit: '50m' }],
    [{ cpu: { limit: '4' } }, { request: '100m', limit: '4' }],
    [{ cpu: { request: 1, limit: 2 } }, { request: '1', limit: '2' }],
  ])('completes a partial cpu pair %p as %p', (resources, cpu) => {
    const created = ServiceCreateSchema.parse({ ...minimal, resources });
    expect(created.resources.cpu).toEqual(cpu);
    expect(created.resources.memory).toEqual({ request: '128Mi', limit: '256Mi' });
  });

  it('refuses server-owned and unknown fields', () => {
    const result = ServiceCreateSchema.safeParse({ ...minimal, state: 'active', createdAt: EXAMPLE_TIME });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['state', 'createdAt'],
    });
  });

  it('requires name, team, image and port', () => {
    const result = ServiceCreateSchema.safeParse({});
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'name',
      'team',
      'image',
      'port',
    ]);
  });

  it('becomes a valid stored service', () => {
    const service = newService(
      ServiceCreateSchema.parse({ ...minimal, repo: 'acme/payments-api' }),
      EXAMPLE_TIME,
    );
    expect(service).toMatchObject({
      state: 'active',
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
      repo: 'acme/payments-api',
    });
    expect(ServiceSchema.parse(service)).toEqual(service);
  });
});

describe('ServicePatchSchema and applyServicePatch', () => {
  it('accepts an empty patch and only the patchable fields', () => {
    expect(ServicePatchSchema.parse({})).toEqual({});
    expect(ServicePatchSchema.safeParse({ name: 'other' }).success).toBe(false);
    expect(ServicePatchSchema.safeParse({ team: 'other' }).success).toBe(false);
  });

  it('merges nested objects field by field and replaces lists', () => {
    const service = exampleService();
    const patch = ServicePatchSchema.parse({
      replicas: 0,
      resources: { cpu: { limit: '2' } },
      healthCheck: { timeoutSeconds: 5 },
      deployPolicy: { autoDeploy: false },
      env: [{ name: 'NEW', value: 'x' }],
      domains: [],
    });
    const patched = applyServicePatch(service, patch);
    expect(patched).toEqual({
      ...service,
      replicas: 0,
      resources: { ...service.resources, cpu: { request: '100m', limit: '2' } },
      healthCheck: { ...service.healthCheck, timeoutSeconds: 5 },
      deployPolicy: { ...service.deployPolicy, autoDeploy: false },
      env: [{ name: 'NEW', value: 'x' }],
      domains: [],
    });
    expect(service.resources.cpu.limit).toBe('500m');
  });

  it('checks request ≤ limit against the merged service', () => {
    const patch = ServicePatchSchema.parse({ resources: { memory: { limit: '64Mi' } } });
    expect(() => applyServicePatch(exampleService(), patch)).toThrow(InputError);
    try {
      applyServicePatch(exampleService(), patch);
    } catch (error) {
      expect((error as InputError).details).toEqual([
        { path: 'resources.memory.request', message: 'must be less than or equal to memory limit of 64Mi' },
      ]);
    }
  });

  it('checks request ≤ limit within the patch when both are given', () => {
    const result = ServicePatchSchema.safeParse({ resources: { cpu: { request: '2', limit: '1' } } });
    expect(issuesOf(result)).toEqual(['resources.cpu.request: must be less than or equal to cpu limit of 1']);
  });

  it('validates patched values as the create schema does', () => {
    const result = ServicePatchSchema.safeParse({
      port: 0,
      env: [{ name: '9x', value: '' }],
      domains: ['x..y'],
    });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'env.0.name',
      'port',
      'domains.0',
    ]);
  });
});
