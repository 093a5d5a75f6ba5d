import type { Namespace } from '../kit/wire';
import { reconcileNamespace } from './reconcile-namespace';

const terminating = (finalizers = ['kubernetes']): Namespace => ({
  metadata: { name: 'team', deletionTimestamp: '2025-01-01T00:00:00Z' },
  spec: { finalizers },
  status: { phase: 'Terminating' },
});

describe('reconcileNamespace', () => {
  it('leaves live namespaces alone', () => {
    expect(
      reconcileNamespace(
        { metadata: { name: 'team' }, spec: { finalizers: ['kubernetes'] } },
        new Map([['pods', 3]]),
      ),
    ).toEqual({ actions: [] });
  });

  it('deletes what is left, reports it, and looks again', () => {
    const decision = reconcileNamespace(
      terminating(),
      new Map([
        ['pods', 2],
        ['deployments.apps', 1],
        ['secrets', 0],
      ]),
    );
    expect(decision.actions.filter((a) => a.type === 'deleteCollection')).toEqual([
      { type: 'deleteCollection', resource: 'deployments.apps' },
      { type: 'deleteCollection', resource: 'pods' },
    ]);
    expect(decision.actions.find((a) => a.type === 'setConditions')).toMatchObject({
      conditions: [
        {
          type: 'NamespaceContentRemaining',
          status: 'True',
          message:
            'Some resources are remaining: deployments.apps has 1 resource instances, pods has 2 resource instances',
        },
        { type: 'NamespaceFinalizersRemaining', status: 'False' },
      ],
    });
    expect(decision.requeueAfterMs).toBeGreaterThan(0);
  });

  it('finalizes an empty namespace, keeping other finalizers', () => {
    const decision = reconcileNamespace(terminating(['kubernetes', 'example.com/x']), new Map([['pods', 0]]));
    expect(decision.actions.at(-1)).toEqual({ type: 'finalize', finalizers: ['example.com/x'] });
  });

  it('does nothing once finalized', () => {
    expect(reconcileNamespace(terminating([]), new Map([['pods', 1]]))).toEqual({ actions: [] });
  });

  it('empties a namespace that vanished at once', () => {
    expect(reconcileNamespace(undefined, new Map([['pods', 1]])).actions).toEqual([
      { type: 'deleteCollection', resource: 'pods' },
    ]);
    expect(reconcileNamespace(undefined, new Map([['pods', 0]])).actions).toEqual([]);
  });
});
