import fc from 'fast-check';
import { LABELS, MANAGED_BY } from '@cite/kube';
import { teamNamespace, type Release, type Service } from '@cite/model';
import { exampleRelease, exampleService } from '@cite/model/testing';
import { keptReleases, planGc, type GcObject, type GcServiceState } from './gc-plan';

const labels = (name: string) => ({ [LABELS.managedBy]: MANAGED_BY, [LABELS.name]: name });
const rs = (name: string, revision: number, image: string, replicas = 0): GcObject => ({
  kind: 'ReplicaSet',
  namespace: 'cite-payments',
  name: `${name}-r${revision}`,
  uid: `uid-${name}-${revision}`,
  labels: labels(name),
  replicas,
  activeReplicas: replicas,
  revision,
  image,
});
const release = (number: number, status: Release['status'], image = `img:v${number}`) =>
  exampleRelease({ service: 'web', number, status, image });

describe('keptReleases', () => {
  it('keeps the current release, unfinished ones and the newest N successes', () => {
    const service = exampleService({ name: 'web', currentRelease: 2 });
    const releases = [
      release(1, 'succeeded'),
      release(2, 'succeeded'),
      release(3, 'failed'),
      release(4, 'succeeded'),
      release(5, 'succeeded'),
      release(6, 'in_progress'),
    ];
    expect(keptReleases(service, releases, 2).map((r) => r.number)).toEqual([6, 5, 4, 2]);
  });
});

describe('planGc', () => {
  const service = exampleService({ name: 'web', team: 'payments', currentRelease: 9 });
  const state = (overrides: Partial<GcServiceState> = {}): GcServiceState => ({
    service,
    keptReleases: [release(9, 'succeeded', 'img:current'), release(3, 'succeeded', 'img:old-target')],
    busy: false,
    ...overrides,
  });

  it('deletes scaled-down ReplicaSets beyond the newest N unless a kept release runs their image', () => {
    const sets = [
      rs('web', 12, 'img:current', 2),
      rs('web', 11, 'img:a'),
      rs('web', 10, 'img:b'),
      rs('web', 9, 'img:c'),
      rs('web', 8, 'img:old-target'),
      rs('web', 7, 'img:d', 1),
    ];
    const plan = planGc(sets, new Map([['web', state()]]), { keepReleases: 2 });
    expect(plan.map((d) => `${d.object.name} ${d.action}`)).toEqual([
      'web-r12 keep',
      'web-r11 keep',
      'web-r10 delete',
      'web-r9 delete',
      'web-r8 keep',
      'web-r7 keep',
    ]);
    expect(plan.find((d) => d.object.name === 'web-r8')?.reason).toBe(
      'runs the image of release 3, a rollback target',
    );
    expect(plan.find((d) => d.object.name === 'web-r10')?.reason).toMatch(/beyond the newest 2/);
  });

  it("deletes a deleted or unknown service's objects, keeps an active one's, and touches nothing of a busy one", () => {
    const object = (kind: GcObject['kind'], name: string, namespace = 'cite-payments'): GcObject => ({
      kind,
      namespace,
      name,
      uid: `${kind}-${name}`,
      labels: labels(name),
    });
    const deleted = exampleService({ name: 'old', state: 'deleted', deletedAt: '2024-06-01T00:00:00Z' });
    const states = new Map<string, GcServiceState>([
      ['web', state()],
      ['old', { service: deleted, keptReleases: [], busy: false }],
      ['busy', { keptReleases: [], busy: true }],
    ]);
    const plan = planGc(
      [
        object('Deployment', 'web'),
        object('Ingress', 'old'),
        object('Service', 'ghost'),
        object('Deployment', 'busy'),
        object('Service', 'web', 'cite-other'),
        { ...object('Service', 'foreign'), labels: { [LABELS.name]: 'ghost' } },
      ],
      states,
      { keepReleases: 10 },
    );
    expect(
      plan.map((d) => `${d.object.kind} ${d.object.namespace}/${d.object.name} ${d.action}: ${d.reason}`),
    ).toEqual([
      'Deployment cite-payments/web keep: service web is active',
      'Ingress cite-payments/old delete: service old is deleted',
      'Service cite-payments/ghost delete: service ghost does not exist in etcd',
      'Deployment cite-payments/busy keep: service busy has a deploy or deletion in flight',
      'Service cite-other/web delete: service web now belongs to team payments, not namespace cite-other',
      'Service cite-payments/foreign keep: not managed by cite',
    ]);
  });

  it('never deletes a protected object, over random cluster states', () => {
    const names = ['a', 'b', 'c', 'd'];
    const images = ['i1', 'i2', 'i3', 'i4', 'i5'];
    const serviceArb = fc.record({
      name: fc.constantFrom(...names),
      present: fc.boolean(),
      state: fc.constantFrom<Service['state']>('active', 'deleting', 'deleted'),
      team: fc.constantFrom('t1', 't2'),
      busy: fc.boolean(),
      releases: fc.array(
        fc.record({
          status: fc.constantFrom<Release['status']>(
            'succeeded',
            'failed',
            'pending',
            'in_progress',
            'superseded',
          ),
          image: fc.constantFrom(...images),
        }),
        { maxLength: 8 },
      ),
      current: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    });
    const objectArb = fc.record({
      kind: fc.constantFrom<GcObject['kind']>('ReplicaSet', 'Deployment', 'Service', 'Ingress'),
      name: fc.constantFrom(...names, 'zz'),
      team: fc.constantFrom('t1', 't2'),
      managed: fc.boolean(),
      labelled: fc.boolean(),
      replicas: fc.integer({ min: 0, max: 2 }),
      active: fc.integer({ min: 0, max: 2 }),
      revision: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
      image: fc.constantFrom(...images),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(serviceArb, { selector: (s) => s.name }),
        fc.array(objectArb, { maxLength: 25 }),
        fc.integer({ min: 1, max: 4 }),
        (servicesIn, objectsIn, keep) => {
          const states = new Map<string, GcServiceState>();
          for (const s of servicesIn) {
            const releases = s.releases.map((r, i) =>
              exampleRelease({ service: s.name, number: i + 1, status: r.status, image: r.image }),
            );
            const record = s.present
              ? exampleService({
                  name: s.name,
                  team: s.team,
                  state: s.state,
                  ...(s.state === 'deleted' ? { deletedAt: '2024-06-01T00:00:00Z' } : {}),
                  ...(s.current !== undefined && s.current <= releases.length
                    ? { currentRelease: s.current }
                    : {}),
                })
              : undefined;
            states.set(s.name, {
              ...(record ? { service: record } : {}),
              keptReleases: keptReleases(record, releases, keep),
              busy: s.busy,
            });
          }
          const objects: GcObject[] = objectsIn.map((o, i) => ({
            kind: o.kind,
            namespace: teamNamespace(o.team),
            name: `${o.name}-${i}`,
            uid: `u${i}`,
            labels: {
              ...(o.managed ? { [LABELS.managedBy]: MANAGED_BY } : {}),
              ...(o.labelled ? { [LABELS.name]: o.name } : {}),
            },
            ...(o.kind === 'ReplicaSet'
              ? {
                  replicas: o.replicas,
                  activeReplicas: o.active,
                  image: o.image,
                  ...(o.revision === undefined ? {} : { revision: o.revision }),
                }
              : {}),
          }));
          const plan = planGc(objects, states, { keepReleases: keep });
          expect(plan).toHaveLength(objects.length);
          for (const decision of plan.filter((d) => d.action === 'delete')) {
            const o = decision.object;
            const name = o.labels[LABELS.name]!;
            const st = states.get(name);
            // Protected: not cite's, busy, or the objects of a live service in its own namespace…
            expect(o.labels[LABELS.managedBy]).toBe(MANAGED_BY);
            expect(name).toBeDefined();
            expect(st?.busy ?? false).toBe(false);
            const live =
              st?.service !== undefined &&
              st.service.state !== 'deleted' &&
              teamNamespace(st.service.team) === o.namespace;
            if (o.kind !== 'ReplicaSet') {
              expect(live).toBe(false);
              continue;
            }
            // …and for a live service's ReplicaSets: running ones, the newest `keep`, and kept releases' images.
            if (!live) continue;
            expect(o.replicas).toBe(0);
            expect(o.activeReplicas).toBe(0);
            expect(o.revision).toBeDefined();
            const siblings = objects.filter(
              (x) =>
                x.kind === 'ReplicaSet' &&
                x.namespace === o.namespace &&
                x.labels[LABELS.name] === name &&
                x.labels[LABELS.managedBy] === MANAGED_BY,
            );
            const newer = siblings.filter((x) => (x.revision ?? 0) > o.revision!).length;
            expect(newer).toBeGreaterThanOrEqual(keep);
            expect(st!.keptReleases.map((r) => r.image)).not.toContain(o.image);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
