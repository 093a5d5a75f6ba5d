import { ConflictError, InputError, NotFoundError } from '@cite/errors';
import { ServiceCreateSchema, type Service } from '@cite/model';
import { exampleService } from '@cite/model/testing';
import {
  assertChangeable,
  deletingService,
  matchesFilter,
  parseLabelSelector,
  planCreate,
  type ServiceFilter,
} from './service-rules';

const now = new Date('2024-05-03T00:00:00Z');
const create = ServiceCreateSchema.parse({
  name: 'payments-api',
  team: 'payments',
  image: 'registry.local:5000/p/a',
  port: 80,
});

describe('planCreate', () => {
  it.each<[string, Service | null, string | typeof ConflictError]>([
    ['a free name', null, 'create'],
    [
      'a deleted service of the same team',
      exampleService({ state: 'deleted', deletedAt: '2024-05-02T00:00:00Z' }),
      'recreate',
    ],
    ['an active service', exampleService(), ConflictError],
    ['a service being deleted', exampleService({ state: 'deleting' }), ConflictError],
    [
      'a deleted service of another team',
      exampleService({ team: 'search', state: 'deleted', deletedAt: '2024-05-02T00:00:00Z' }),
      ConflictError,
    ],
  ])('%s → %s', (_case, existing, expected) => {
    if (typeof expected === 'string') {
      const plan = planCreate(existing, create, now);
      expect(plan.kind).toBe(expected);
      expect(plan.service).toMatchObject({ state: 'active', createdAt: now.toISOString() });
      expect(plan.service.deletedAt).toBeUndefined();
    } else {
      expect(() => planCreate(existing, create, now)).toThrow(expected);
    }
  });
});

describe('assertChangeable', () => {
  it('lets active services change, refuses deleting (409) and deleted (404) ones at name', () => {
    expect(() => assertChangeable(exampleService())).not.toThrow();
    expect(() => assertChangeable(deletingService(exampleService(), now))).toThrow(ConflictError);
    expect(() =>
      assertChangeable(exampleService({ state: 'deleted', deletedAt: now.toISOString() })),
    ).toThrow(NotFoundError);
  });
});

describe('list filters', () => {
  const web = exampleService({ name: 'web', team: 'web', labels: { tier: 'front' } });
  const api = exampleService({
    name: 'api',
    team: 'payments',
    labels: { tier: 'back', 'example.com/pci': '' },
  });
  const gone = exampleService({
    name: 'gone',
    team: 'payments',
    state: 'deleted',
    deletedAt: now.toISOString(),
  });
  const names = (filter: ServiceFilter) =>
    [web, api, gone].filter((s) => matchesFilter(s, filter)).map((s) => s.name);

  it.each<[string, ServiceFilter, string[]]>([
    ['everything visible, deleted left out', { visible: 'all' }, ['web', 'api']],
    ['a member sees its teams', { visible: ['payments'] }, ['api']],
    ['by team', { visible: 'all', team: 'web' }, ['web']],
    ['by label value', { visible: 'all', labels: [{ key: 'tier', value: 'back' }] }, ['api']],
    ['by label presence', { visible: 'all', labels: [{ key: 'example.com/pci' }] }, ['api']],
    ['deleted on request', { visible: 'all', states: ['deleted'] }, ['gone']],
  ])('%s', (_case, filter, expected) => {
    expect(names(filter)).toEqual(expected);
  });

  it.each([
    ['tier', { key: 'tier' }],
    ['tier=front', { key: 'tier', value: 'front' }],
    ['example.com/pci=', { key: 'example.com/pci', value: '' }],
  ])('parses label selector %s', (text, selector) => {
    expect(parseLabelSelector(text)).toEqual(selector);
  });

  it.each(['', '=x', 'bad key', 'tier=bad value', 'tier=-x'])(
    'refuses label selector %j at label',
    (text) => {
      expect(() => parseLabelSelector(text)).toThrow(InputError);
    },
  );
});
