import type { KubeObject } from '../api-types';
import {
  CLEANUP_FINALIZER,
  cleanupCompleted,
  cleanupStarted,
  crdCondition,
  createWhileTerminating,
  markForDeletion,
  needsCleanup,
  setCrdCondition,
} from './crd-deletion';
import { crdResource } from './crds';

const T0 = new Date('2024-01-01T00:00:00Z');
const T1 = new Date('2024-01-01T00:01:00Z');

function crd(metadata: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', uid: 'u1', ...metadata },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
    status: {
      conditions: [
        { type: 'NamesAccepted', status: 'True', lastTransitionTime: '2023-01-01T00:00:00Z' },
        { type: 'Established', status: 'True', lastTransitionTime: '2023-01-01T00:00:00Z' },
      ],
    },
  };
}

describe('CRD deletion', () => {
  it('marks the first DELETE with a timestamp, the cleanup finalizer and Terminating=True (pending)', () => {
    const marked = markForDeletion(crd({ finalizers: ['example.com/keep'] }), T0);
    expect(marked?.metadata).toMatchObject({
      deletionTimestamp: '2024-01-01T00:00:00Z',
      finalizers: ['example.com/keep', CLEANUP_FINALIZER],
    });
    expect(marked?.metadata.deletionGracePeriodSeconds).toBeUndefined();
    expect(crdCondition(marked as KubeObject, 'Terminating')).toEqual({
      type: 'Terminating',
      status: 'True',
      reason: 'InstanceDeletionPending',
      message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
      lastTransitionTime: '2024-01-01T00:00:00Z',
    });
    expect(needsCleanup(marked as KubeObject)).toBe(true);
  });

  it('leaves a later DELETE to the generic deletion', () => {
    expect(markForDeletion(crd({ deletionTimestamp: '2024-01-01T00:00:00Z' }), T1)).toBeUndefined();
  });

  it('replaces a condition in place, keeping its transition time while the status holds', () => {
    const object = crd();
    setCrdCondition(object, { type: 'Terminating', status: 'True', reason: 'A', message: 'a' }, T0);
    setCrdCondition(object, { type: 'Terminating', status: 'True', reason: 'B', message: 'b' }, T1);
    expect(crdCondition(object, 'Terminating')).toMatchObject({
      reason: 'B',
      lastTransitionTime: '2024-01-01T00:00:00Z',
    });
    setCrdCondition(object, { type: 'Terminating', status: 'False', reason: 'C', message: 'c' }, T1);
    expect(crdCondition(object, 'Terminating')).toMatchObject({
      status: 'False',
      lastTransitionTime: '2024-01-01T00:01:00Z',
    });
    expect((object.status as { conditions: unknown[] }).conditions).toHaveLength(3);
  });

  it('marks the cleanup in progress, then completed without its finalizer, on copies', () => {
    const deleting = markForDeletion(crd({ finalizers: ['example.com/keep'] }), T0) as KubeObject;
    const started = cleanupStarted(deleting, T1);
    expect(crdCondition(started, 'Terminating')).toMatchObject({
      status: 'True',
      reason: 'InstanceDeletionInProgress',
    });
    const completed = cleanupCompleted(started, T1);
    expect(completed.metadata.finalizers).toEqual(['example.com/keep']);
    expect(crdCondition(completed, 'Terminating')).toMatchObject({
      status: 'False',
      reason: 'InstanceDeletionCompleted',
      message: 'removed all instances',
    });
    expect(needsCleanup(completed)).toBe(false);
    expect(deleting.metadata.finalizers).toContain(CLEANUP_FINALIZER);
    expect(
      cleanupCompleted(cleanupStarted(markForDeletion(crd(), T0) as KubeObject, T1), T1).metadata,
    ).not.toHaveProperty('finalizers');
  });

  it('refuses creates with 405 MethodNotAllowed naming the resource', () => {
    expect(createWhileTerminating('example.com', 'widgets').status).toMatchObject({
      code: 405,
      reason: 'MethodNotAllowed',
      message: 'create not allowed while custom resource definition is terminating',
      details: { group: 'example.com', kind: 'widgets' },
    });
  });

  it('keeps the Terminating condition through a main update of the CRD', () => {
    const definition = crdResource({ established: () => undefined, removed: () => undefined });
    const previous = markForDeletion(crd(), T0) as KubeObject;
    const next = structuredClone(previous);
    definition.strategy.prepareForUpdate(next, previous, { now: T1 });
    expect(crdCondition(next, 'Terminating')).toMatchObject({ reason: 'InstanceDeletionPending' });
    expect(crdCondition(next, 'Established')).toMatchObject({ lastTransitionTime: '2023-01-01T00:00:00Z' });
  });
});
