import { reconcileServiceAccount } from './reconcile-serviceaccount';

describe('reconcileServiceAccount', () => {
  const namespace = { metadata: { name: 'team' }, status: { phase: 'Active' } };

  it('creates the default ServiceAccount where it is missing', () => {
    expect(reconcileServiceAccount(namespace, undefined)).toEqual([
      {
        type: 'create',
        serviceAccount: {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'default', namespace: 'team' },
        },
      },
    ]);
  });

  it('does nothing where it exists, or in namespaces going away', () => {
    expect(reconcileServiceAccount(namespace, { metadata: { name: 'default', namespace: 'team' } })).toEqual(
      [],
    );
    expect(
      reconcileServiceAccount(
        { ...namespace, metadata: { name: 'team', deletionTimestamp: '2025-01-01T00:00:00Z' } },
        undefined,
      ),
    ).toEqual([]);
    expect(reconcileServiceAccount(undefined, undefined)).toEqual([]);
  });
});
