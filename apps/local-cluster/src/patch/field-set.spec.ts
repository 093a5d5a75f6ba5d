import { renderPath } from './field-path';
import { appliedFieldSet, difference, intersection, memberPaths, union, type FieldSet } from './field-set';

const replicas: FieldSet = { 'f:spec': { 'f:replicas': {} } };
const labels: FieldSet = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } };

describe('FieldsV1 sets', () => {
  it('unions, keeping a member that gains children a member (`.`)', () => {
    expect(union({ 'f:a': {} }, { 'f:a': { 'f:b': {} } })).toEqual({ 'f:a': { '.': {}, 'f:b': {} } });
    expect(union(replicas, labels)).toEqual({ ...labels, ...replicas });
  });

  it('subtracts members and drops what is left empty', () => {
    expect(difference({ 'f:spec': { 'f:replicas': {}, 'f:paused': {} } }, replicas)).toEqual({
      'f:spec': { 'f:paused': {} },
    });
    expect(difference(replicas, replicas)).toBeUndefined();
    expect(difference({ 'f:a': { '.': {}, 'f:b': {} } }, { 'f:a': {} })).toEqual({ 'f:a': { 'f:b': {} } });
  });

  it('returns the same object when nothing changes, so untouched entries are not copied', () => {
    const set: FieldSet = { 'f:spec': { 'f:replicas': {} }, 'f:status': { 'f:phase': {} } };
    expect(difference(set, { 'f:metadata': { 'f:labels': {} } })).toBe(set);
    expect(union(set, { 'f:spec': { 'f:replicas': {} } })).toBe(set);
  });

  it('intersects', () => {
    expect(intersection({ ...replicas, ...labels }, { 'f:spec': { 'f:replicas': {}, 'f:x': {} } })).toEqual(
      replicas,
    );
    expect(intersection(replicas, labels)).toBeUndefined();
  });

  it('lists member paths in structured-merge-diff order and prints them as kube does', () => {
    const set: FieldSet = {
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } },
          },
        },
      },
      'f:metadata': { 'f:labels': { 'f:app': {} } },
    };
    expect(memberPaths(set).map(renderPath)).toEqual([
      '.metadata.labels.app',
      '.spec.replicas',
      '.spec.template.spec.containers[name="app"].image',
    ]);
    expect(renderPath(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}'])).toBe(
      '.spec.ports[port=80,protocol="TCP"]',
    );
  });
});

describe('appliedFieldSet (structured-merge-diff ToFieldSet)', () => {
  it('owns keyed items with their fields, atomic values whole, and no server-set metadata', () => {
    const set = appliedFieldSet(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            spec: {
              containers: [{ name: 'web', image: 'web:1', args: ['a'], ports: [{ containerPort: 80 }] }],
            },
          },
        },
      },
      'Deployment',
    );
    expect(set).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {},
                'f:args': {},
                'f:image': {},
                'f:name': {},
                'f:ports': {
                  'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                },
              },
            },
          },
        },
      },
    });
  });

  it('owns owner references as atomic items and finalizers as set values', () => {
    const set = appliedFieldSet(
      {
        metadata: {
          ownerReferences: [{ uid: 'u1', kind: 'ReplicaSet', name: 'rs', apiVersion: 'apps/v1' }],
          finalizers: ['example.com/x'],
        },
      },
      'Pod',
    );
    expect(set).toEqual({
      'f:metadata': {
        'f:finalizers': { 'v:"example.com/x"': {} },
        'f:ownerReferences': { 'k:{"uid":"u1"}': {} },
      },
    });
  });
});
