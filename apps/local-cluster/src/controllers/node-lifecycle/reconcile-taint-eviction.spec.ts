import { T0, at, node, pod } from '../testing/fixtures';
import type { Node, Pod, Taint, Toleration } from '../kit/wire';
import {
  evictionDecision,
  forceDeleteTerminating,
  matchingTolerations,
  minTolerationMs,
} from './reconcile-taint-eviction';

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(0) };
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: at(0) };
const custom: Taint = { key: 'dedicated', value: 'db', effect: 'NoExecute' };

/** What the DefaultTolerationSeconds admission adds, with `seconds`. */
const defaults = (seconds: number): Toleration[] => [
  {
    key: 'node.kubernetes.io/not-ready',
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: seconds,
  },
  {
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: seconds,
  },
];

const tolerating = (tolerations: Toleration[], extra: { deleting?: boolean } = {}): Pod => {
  const p = pod({ name: 'web-1', node: 'n1', ready: true, ...extra });
  p.spec!.tolerations = tolerations;
  return p;
};

describe('matchingTolerations and minTolerationMs (kube helpers)', () => {
  it.each<[string, Toleration, Taint, boolean]>([
    ['Exists on the key', { key: 'dedicated', operator: 'Exists' }, custom, true],
    [
      'Equal with the value',
      { key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' },
      custom,
      true,
    ],
    ['Equal with another value', { key: 'dedicated', operator: 'Equal', value: 'web' }, custom, false],
    ['another effect', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, custom, false],
    ['empty key with Exists tolerates everything', { operator: 'Exists' }, unreachable, true],
  ])('%s', (_case, toleration, taint, tolerated) => {
    expect(matchingTolerations([taint], [toleration]) !== undefined).toBe(tolerated);
  });

  it.each<[string, Toleration[], number | undefined]>([
    ['smallest seconds', [...defaults(300), { key: 'x', operator: 'Exists', tolerationSeconds: 60 }], 60_000],
    ['forever when none has seconds', [{ operator: 'Exists' }], undefined],
    ['zero or less is at once', [{ operator: 'Exists', tolerationSeconds: -5 }], 0],
  ])('%s', (_case, tolerations, expected) => {
    expect(minTolerationMs(tolerations)).toBe(expected);
  });
});

describe('evictionDecision', () => {
  const decide = (p: Pod, taints: Taint[], nowSeconds: number, sinceSeconds?: number) =>
    evictionDecision({
      pod: p,
      taints,
      now: T0 + nowSeconds * 1000,
      since: sinceSeconds === undefined ? undefined : T0 + sinceSeconds * 1000,
    });

  it.each<[string, Pod, Taint[], number, number | undefined, ReturnType<typeof evictionDecision>]>([
    ['no NoExecute taint: nothing', tolerating(defaults(300)), [], 0, undefined, { type: 'none' }],
    ['an untolerated taint: at once', tolerating(defaults(300)), [custom], 0, undefined, { type: 'evict' }],
    ['no tolerations at all: at once', tolerating([]), [unreachable], 0, undefined, { type: 'evict' }],
    [
      'default tolerations: 300 s from when first seen',
      tolerating(defaults(300)),
      [unreachable],
      5,
      undefined,
      { type: 'wait', at: T0 + 305_000, since: T0 + 5000 },
    ],
    [
      'still waiting, counted from the first time',
      tolerating(defaults(1)),
      [unreachable],
      0.5,
      0,
      { type: 'wait', at: T0 + 1000, since: T0 },
    ],
    ['the time has come', tolerating(defaults(1)), [unreachable], 1, 0, { type: 'evict' }],
    ['tolerationSeconds 0: at once', tolerating(defaults(0)), [unreachable], 0, undefined, { type: 'evict' }],
    [
      'both taints, the smaller seconds win',
      tolerating([defaults(30)[0]!, defaults(300)[1]!]),
      [notReady, unreachable],
      0,
      undefined,
      { type: 'wait', at: T0 + 30_000, since: T0 },
    ],
    [
      'tolerated forever: nothing',
      tolerating([{ operator: 'Exists' }]),
      [unreachable],
      999,
      0,
      { type: 'none' },
    ],
    [
      'a pod being deleted already: nothing',
      tolerating([], { deleting: true }),
      [unreachable],
      0,
      undefined,
      { type: 'none' },
    ],
  ])('%s', (_case, p, taints, now, since, expected) => {
    expect(decide(p, taints, now, since)).toEqual(expected);
  });
});

describe('forceDeleteTerminating (the pod GC on nodes no kubelet serves)', () => {
  const withReady = (status: string, taints: Taint[] = []): Node => {
    const n = node('n1');
    n.status!.conditions = [{ type: 'Ready', status }];
    n.spec = { taints };
    return n;
  };
  const outOfService: Taint = { key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' };
  const terminating = tolerating([], { deleting: true });

  it.each<[string, Pod, Node | undefined, boolean]>([
    ['terminating on an unreachable node (kubelet stopped)', terminating, withReady('Unknown'), true],
    [
      'terminating on a NotReady node tainted out-of-service',
      terminating,
      withReady('False', [outOfService]),
      true,
    ],
    ['terminating on a NotReady node (its kubelet finishes it)', terminating, withReady('False'), false],
    [
      'terminating on a Ready node, even out-of-service',
      terminating,
      withReady('True', [outOfService]),
      false,
    ],
    ['not terminating', tolerating([]), withReady('Unknown'), false],
    ['on a node that is gone (orphans are another GC pass)', terminating, undefined, false],
  ])('%s: %s', (_case, p, n, expected) => {
    expect(forceDeleteTerminating(p, n)).toBe(expected);
  });
});
