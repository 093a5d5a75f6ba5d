import { applyStrategicMergePatch, StrategicMergeError } from './strategic-merge';

const ports = (...numbers: number[]) => numbers.map((containerPort) => ({ containerPort }));
const podWith = (containerPorts: { containerPort: number }[]) => ({
  spec: { containers: [{ name: 'app', ports: containerPorts }] },
});
const portsOf = (object: unknown) =>
  (
    object as { spec: { containers: { ports: { containerPort: number }[] }[] } }
  ).spec.containers[0]?.ports.map((port) => port.containerPort);
const names = (list: unknown) => (list as { name: string }[]).map((item) => item.name);

describe('strategic merge patch: order of lists merged by key (kube mergeSlice + normalizeElementOrder)', () => {
  it('puts an item new to the list before the live ones', () => {
    const result = applyStrategicMergePatch(podWith(ports(8080)), podWith(ports(9090)), 'Pod');
    expect(portsOf(result)).toEqual([9090, 8080]);
  });

  it('keeps live items where they are when the patch only changes them', () => {
    const live = { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } };
    const patch = { spec: { containers: [{ name: 'b', image: 'x' }] } };
    const result = applyStrategicMergePatch(live, patch, 'Pod') as typeof live;
    expect(names(result.spec.containers)).toEqual(['a', 'b', 'c']);
  });

  it('orders the patched items by the patch, interleaved with the live ones by the live order', () => {
    const live = { spec: { containers: [{ name: 'a', env: [{ name: 'A' }, { name: 'B' }] }] } };
    const patch = { spec: { containers: [{ name: 'a', env: [{ name: 'B', value: '2' }, { name: 'C' }] }] } };
    const result = applyStrategicMergePatch(live, patch, 'Pod') as {
      spec: { containers: { env: unknown[] }[] };
    };
    expect(names(result.spec.containers[0]?.env)).toEqual(['A', 'B', 'C']);
  });

  it('adds a finalizer before the live ones (merge strategy on scalars)', () => {
    const result = applyStrategicMergePatch(
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { finalizers: ['c', 'a'] } },
      'ConfigMap',
    );
    expect(result).toEqual({ metadata: { finalizers: ['c', 'a', 'b'] } });
  });

  it('follows $setElementOrder; a server-only item stays before the live items it preceded', () => {
    const live = { spec: { containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }] } };
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
      },
    };
    const result = applyStrategicMergePatch(live, patch, 'Pod') as typeof live;
    expect(names(result.spec.containers)).toEqual(['x', 'b', 'a']);
  });

  it('adds and reorders as kubectl apply patches do', () => {
    const live = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'b' }, { name: 'n' }, { name: 'a' }],
        containers: [{ name: 'n', image: 'n:1' }],
      },
    };
    const result = applyStrategicMergePatch(live, patch, 'Pod') as typeof live;
    expect(names(result.spec.containers)).toEqual(['b', 'n', 'a']);
  });

  it('orders server-only items against the live list as kube leaves it after a delete and an add', () => {
    // kube deletes `b` in place in the live array and appends `n` into the freed slot, so the server-only `x`
    // is compared with `n` as if `n` had been live after it: [a, x, n], not [a, n, x].
    const live = { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'x' }] } };
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'n' }],
        containers: [{ name: 'n' }, { name: 'b', $patch: 'delete' }],
      },
    };
    const result = applyStrategicMergePatch(live, patch, 'Pod') as typeof live;
    expect(names(result.spec.containers)).toEqual(['a', 'x', 'n']);
  });

  it('deletes from a list of scalars with the parallel list', () => {
    const result = applyStrategicMergePatch(
      { metadata: { finalizers: ['a', 'b', 'c'] } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      'ConfigMap',
    );
    expect(result).toEqual({ metadata: { finalizers: ['a', 'c'] } });
  });

  it('refuses a patch list out of the $setElementOrder order', () => {
    const live = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        containers: [{ name: 'b' }, { name: 'a' }],
      },
    };
    expect(() => applyStrategicMergePatch(live, patch, 'Pod')).toThrow(StrategicMergeError);
  });

  it('replaces a list with $patch: replace', () => {
    const result = applyStrategicMergePatch(
      podWith(ports(1, 2)),
      { spec: { containers: [{ name: 'app', ports: [{ $patch: 'replace' }, { containerPort: 3 }] }] } },
      'Pod',
    );
    expect(portsOf(result)).toEqual([3]);
  });
});
