import type { JsonObject } from '../api-types';
import {
  DEPLOYMENT_ZERO_FIELDS,
  ENDPOINTS_ZERO_FIELDS,
  HPA_ZERO_FIELDS,
  POD_ZERO_FIELDS,
  REPLICASET_ZERO_FIELDS,
  SERVICE_ZERO_FIELDS,
  zeroValueNormalizer,
} from './omit-zero';

function normalized(rules: Parameters<typeof zeroValueNormalizer>[0], object: JsonObject): JsonObject {
  const copy = structuredClone(object);
  zeroValueNormalizer(rules)(copy);
  return copy;
}

describe('zeroValueNormalizer', () => {
  it('drops the zero counts of a Deployment status and keeps the others', () => {
    const status = {
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 0,
      collisionCount: 0,
      conditions: [{ type: 'Available', status: 'True' }],
    };
    expect(normalized(DEPLOYMENT_ZERO_FIELDS, { status }).status).toEqual({
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      // A pointer (*int32): an explicit 0 is kept.
      collisionCount: 0,
      conditions: [{ type: 'Available', status: 'True' }],
    });
  });

  it('drops omitempty spec fields of a Deployment and its pod template, keeping pointer zeros', () => {
    const object = normalized(DEPLOYMENT_ZERO_FIELDS, {
      spec: {
        replicas: 0,
        minReadySeconds: 0,
        paused: false,
        revisionHistoryLimit: 0,
        template: {
          spec: {
            hostNetwork: false,
            containers: [
              {
                name: 'web',
                ports: [{ containerPort: 80, hostPort: 0 }],
                readinessProbe: { initialDelaySeconds: 0, periodSeconds: 5 },
                tty: false,
              },
            ],
          },
        },
      },
    });
    expect(object.spec).toEqual({
      replicas: 0,
      revisionHistoryLimit: 0,
      template: {
        spec: {
          containers: [{ name: 'web', ports: [{ containerPort: 80 }], readinessProbe: { periodSeconds: 5 } }],
        },
      },
    });
  });

  it('keeps a ReplicaSet status.replicas of 0 and writes it when missing', () => {
    const status = {
      replicas: 0,
      fullyLabeledReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      observedGeneration: 2,
    };
    expect(normalized(REPLICASET_ZERO_FIELDS, { status }).status).toEqual({
      replicas: 0,
      observedGeneration: 2,
    });
    expect(normalized(REPLICASET_ZERO_FIELDS, { status: { readyReplicas: 0 } }).status).toEqual({
      replicas: 0,
    });
    expect(normalized(REPLICASET_ZERO_FIELDS, { spec: {} }).status).toEqual({ replicas: 0 });
    expect(normalized(REPLICASET_ZERO_FIELDS, { status: { replicas: null } }).status).toEqual({
      replicas: 0,
    });
  });

  it('keeps restartCount, ready and exitCode of container statuses, filling only objects that exist', () => {
    const status = {
      conditions: [],
      containerStatuses: [
        { name: 'a', ready: false, restartCount: 0, state: { running: {} }, lastState: {} },
        { name: 'b', state: { terminated: { reason: 'Error', signal: 0 } } },
      ],
    };
    expect(normalized(POD_ZERO_FIELDS, { status }).status).toEqual({
      containerStatuses: [
        { name: 'a', ready: false, restartCount: 0, state: { running: {} }, lastState: {} },
        {
          name: 'b',
          ready: false,
          restartCount: 0,
          state: { terminated: { reason: 'Error', exitCode: 0 } },
        },
      ],
    });
  });

  it('leaves a pod without container statuses alone', () => {
    const pod = { spec: { containers: [{ name: 'a' }], priority: 0 }, status: { phase: 'Pending' } };
    expect(normalized(POD_ZERO_FIELDS, pod)).toEqual(pod);
  });

  it('treats nodePort 0 as no node port', () => {
    const spec = {
      ports: [
        { port: 80, nodePort: 0 },
        { port: 81, nodePort: 30001 },
      ],
      publishNotReadyAddresses: false,
    };
    expect(normalized(SERVICE_ZERO_FIELDS, { spec }).spec).toEqual({
      ports: [{ port: 80 }, { port: 81, nodePort: 30001 }],
    });
  });

  it('drops empty Endpoints subsets', () => {
    expect(normalized(ENDPOINTS_ZERO_FIELDS, { subsets: [] })).toEqual({});
    expect(
      normalized(ENDPOINTS_ZERO_FIELDS, {
        subsets: [{ addresses: [{ ip: '10.0.0.1' }], notReadyAddresses: [] }],
      }),
    ).toEqual({ subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] });
  });

  it('drops an HPA currentReplicas of 0 and keeps desiredReplicas', () => {
    expect(
      normalized(HPA_ZERO_FIELDS, { status: { currentReplicas: 0, desiredReplicas: 0 } }).status,
    ).toEqual({ desiredReplicas: 0 });
  });

  it('is idempotent and ignores values of the wrong shape', () => {
    const odd = { spec: { template: 'x', minReadySeconds: 5 }, status: [] };
    expect(normalized(DEPLOYMENT_ZERO_FIELDS, odd)).toEqual(odd);
    const once = normalized(POD_ZERO_FIELDS, { status: { containerStatuses: [{ name: 'a' }] } });
    expect(normalized(POD_ZERO_FIELDS, once)).toEqual(once);
  });
});
