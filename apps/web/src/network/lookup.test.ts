import type { IpView } from '@cite/catalog';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { lookupOutcome, lookupPath } from './lookup';

const pod: IpView = {
  ip: '10.60.1.7',
  kind: 'pod',
  pod: {
    ip: '10.60.1.7',
    pod: 'web-1',
    namespace: 'cite-pay',
    service: 'web',
    updatedAt: '2024-05-01T12:00:00.000Z',
  },
  range: '10.60.1.0/24',
  rangeNode: 'node-a',
};

describe('lookupOutcome', () => {
  it('answers the pod, or the node whose address it is', () => {
    expect(lookupOutcome('10.60.1.7', { view: pod })).toEqual({ kind: 'pod', view: pod });
    const node: IpView = { ip: '10.60.25.140', kind: 'node', node: 'node-a', podCidr: '10.60.1.0/24' };
    expect(lookupOutcome('10.60.25.140', { view: node })).toEqual({ kind: 'node', view: node });
  });

  it('reads 404 as a free address, with the message naming its range', () => {
    const error = new ApiError(
      404,
      'not_found',
      'no pod you can see holds 10.60.1.9: it is a free pod address',
      [{ path: 'ip', message: 'no pod you can see holds 10.60.1.9: it is a free pod address' }],
    );
    expect(lookupOutcome('10.60.1.9', { error })).toEqual({
      kind: 'free',
      ip: '10.60.1.9',
      message: 'no pod you can see holds 10.60.1.9: it is a free pod address',
    });
  });

  it("reads 400 as outside the pool, with the API's message as it is", () => {
    const error = new ApiError(400, 'invalid_input', 'ip: 8.8.8.8 is outside the IP pool', [
      { path: 'ip', message: '8.8.8.8 is outside the IP pool' },
    ]);
    expect(lookupOutcome('8.8.8.8', { error })).toEqual({
      kind: 'outside',
      ip: '8.8.8.8',
      message: 'ip: 8.8.8.8 is outside the IP pool',
    });
  });

  it('reads anything else as a failure', () => {
    expect(
      lookupOutcome('10.0.0.1', { error: new ApiError(503, 'unavailable', 'etcd unavailable') }),
    ).toEqual({
      kind: 'error',
      ip: '10.0.0.1',
      message: 'etcd unavailable (HTTP 503)',
    });
    expect(lookupOutcome('10.0.0.1', { error: new TypeError('Failed to fetch') })).toMatchObject({
      kind: 'error',
      message: 'Failed to fetch',
    });
  });
});

describe('lookupPath', () => {
  it('puts the address in the path', () => {
    expect(lookupPath('10.60.1.7')).toBe('/network/ips/10.60.1.7');
  });
});
