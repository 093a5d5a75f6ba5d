import type { KubeObject } from '../api-types';
import { StatusError } from '../errors';
import { ALL_FIELDS } from './compare';
import { serverSideApply, type ApplyRequest } from './server-side-apply';

const T1 = '2025-01-01T00:00:01Z';
const T2 = '2025-01-01T00:00:02Z';

function configMap(data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data, ...extra };
}

function apply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  force = false,
): KubeObject {
  const request: ApplyRequest = {
    live,
    applied,
    writer: { manager, apiVersion: 'v1', time: live ? T2 : T1 },
    force,
    scope: ALL_FIELDS,
  };
  return serverSideApply(request);
}

function conflictOf(run: () => unknown): StatusError {
  try {
    run();
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('no conflict');
}

describe('serverSideApply', () => {
  it('conflicts on a field another manager set to another value, naming it as kube does', () => {
    const live = apply(undefined, configMap({ a: '1', b: '1' }), 'first');
    const error = conflictOf(() => apply(live, configMap({ a: '2' }), 'second'));
    expect(error.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "first": .data.a',
      details: {
        causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "first"', field: '.data.a' }],
      },
    });
  });

  it('lists several conflicts per manager, managers in order', () => {
    const live = apply(undefined, configMap({ a: '1', b: '1' }), 'first');
    const error = conflictOf(() => apply(live, configMap({ a: '2', b: '2' }), 'second'));
    expect(error.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "first":\n- .data.a\n- .data.b',
    );
  });

  it('shares a field applied with the same value, and lets force take one', () => {
    const live = apply(undefined, configMap({ a: '1', b: '1' }), 'first');
    const shared = apply(live, configMap({ a: '1' }), 'second');
    expect(shared.metadata.managedFields).toHaveLength(2);
    const forced = apply(shared, configMap({ a: '1', b: '2' }), 'second', true);
    expect(forced.data).toEqual({ a: '1', b: '2' });
    const fields = Object.fromEntries(
      (forced.metadata.managedFields as { manager: string; fieldsV1: unknown }[]).map((entry) => [
        entry.manager,
        entry.fieldsV1,
      ]),
    );
    expect(fields).toEqual({
      first: { 'f:data': { 'f:a': {} } },
      second: { 'f:data': { 'f:a': {}, 'f:b': {} } },
    });
  });

  it('removes what the applier stopped applying unless another applier still applies it', () => {
    let live = apply(undefined, configMap({ a: '1', b: '1', c: '1' }), 'first');
    live = apply(live, configMap({ c: '1' }), 'second');
    live = apply(live, configMap({ a: '1' }), 'first');
    expect(live.data).toEqual({ a: '1', c: '1' });
  });

  it('lets kubectl take what its last-applied annotation recorded, and only that', () => {
    const lastApplied = JSON.stringify(configMap({ a: '1', b: '1' }));
    const annotated = (data: Record<string, string>) =>
      configMap(data, {
        metadata: {
          name: 'c',
          namespace: 'ns',
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
          managedFields: [
            {
              manager: 'kubectl-client-side-apply',
              operation: 'Update',
              apiVersion: 'v1',
              time: T1,
              fieldsType: 'FieldsV1',
              fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
            },
          ],
        },
      });
    const taken = apply(annotated({ a: '1', b: '1' }), configMap({ a: '2', b: '1' }), 'kubectl');
    expect(taken.data).toEqual({ a: '2', b: '1' });
    expect(
      JSON.parse(taken.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? ''),
    ).toEqual({
      apiVersion: 'v1',
      data: { a: '2', b: '1' },
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'ns' },
    });
    // b no longer has the value the annotation recorded: someone else set it, so it stays a conflict.
    const error = conflictOf(() =>
      apply(annotated({ a: '1', b: '9' }), configMap({ a: '2', b: '2' }), 'kubectl'),
    );
    expect(error.status.details?.causes?.map((cause) => cause.field)).toEqual(['.data.b']);
    expect(() => apply(annotated({ a: '1', b: '1' }), configMap({ a: '2' }), 'other')).toThrow(StatusError);
  });

  it('appends items new to a keyed list after the live ones (structured-merge-diff order)', () => {
    const pod = (containers: string[]): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns' },
      spec: { containers: containers.map((name) => ({ name, image: name })) },
    });
    const live = apply(undefined, pod(['a', 'b']), 'first');
    const next = apply(live, pod(['c', 'b']), 'second');
    const names = (next.spec as { containers: { name: string }[] }).containers.map((c) => c.name);
    expect(names).toEqual(['a', 'c', 'b']);
  });
});
