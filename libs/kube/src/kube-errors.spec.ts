import { ConflictError, ForbiddenError, InputError, NotFoundError, UnavailableError } from '@cite/errors';
import { ApiException } from '@kubernetes/client-node';
import {
  describeKubeError,
  isAlreadyExists,
  isGone,
  isUnsupported,
  kubeCall,
  statusCodeOf,
  statusReasonOf,
  translateKubeError,
} from './kube-errors';
import { KubeHttpError } from './kube-http';

const status = (code: number, reason: string, extra: object = {}) =>
  new ApiException(
    code,
    'failed',
    JSON.stringify({ kind: 'Status', code, reason, message: `${reason} happened`, ...extra }),
    {},
  );

describe('translateKubeError', () => {
  it.each([
    [404, 'NotFound', NotFoundError],
    [409, 'AlreadyExists', ConflictError],
    [409, 'Conflict', ConflictError],
    [422, 'Invalid', InputError],
    [400, 'BadRequest', InputError],
    [403, 'Forbidden', ForbiddenError],
    [401, 'Unauthorized', ForbiddenError],
    [500, 'InternalError', UnavailableError],
    [503, 'ServiceUnavailable', UnavailableError],
    [429, 'TooManyRequests', UnavailableError],
  ])('HTTP %i %s → %p', (code, reason, type) => {
    const error = translateKubeError(status(code, reason), 'apply Deployment x/web');
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(`apply Deployment x/web: ${reason} happened`);
  });

  it('keeps the causes of a 422 as field issues', () => {
    const error = translateKubeError(
      status(422, 'Invalid', { details: { causes: [{ field: 'spec.replicas', message: 'must be >= 0' }] } }),
      'apply',
    );
    expect(error.details).toEqual([{ path: 'spec.replicas', message: 'must be >= 0' }]);
  });

  it('treats an unanswered call as unavailable (transient)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const error = translateKubeError(refused, 'get deployment');
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.cause).toBe(refused);
  });

  it('fails a call without an answer in time as unavailable', async () => {
    await expect(kubeCall('get version', () => new Promise(() => undefined), 20)).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });
});

describe('reading a failure', () => {
  it('takes the status from ApiException, KubeHttpError and a Watch error', () => {
    expect(statusCodeOf(status(404, 'NotFound'))).toBe(404);
    expect(statusCodeOf(new KubeHttpError(409, '{"reason":"Conflict"}'))).toBe(409);
    expect(statusCodeOf(Object.assign(new Error('Gone'), { statusCode: 410 }))).toBe(410);
    expect(isGone(Object.assign(new Error('Gone'), { statusCode: 410 }))).toBe(true);
    expect(statusCodeOf(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });

  it('reads the Status reason from a JSON string or an object body', () => {
    expect(statusReasonOf(status(409, 'AlreadyExists'))).toBe('AlreadyExists');
    expect(statusReasonOf(new KubeHttpError(409, { reason: 'Conflict' }))).toBe('Conflict');
    expect(statusReasonOf(new KubeHttpError(500, 'not json'))).toBeUndefined();
  });

  it('tells a taken name from a stale resourceVersion', () => {
    expect(isAlreadyExists(status(409, 'AlreadyExists'))).toBe(true);
    expect(isAlreadyExists(status(409, 'Conflict'))).toBe(false);
    expect(isAlreadyExists(new KubeHttpError(409, ''))).toBe(true);
  });

  it('knows an endpoint the server does not offer', () => {
    expect([404, 405, 501, 500].map((code) => isUnsupported(status(code, 'x')))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('describes a failure for logs', () => {
    expect(describeKubeError(status(409, 'Conflict'))).toMatch(/^409 Conflict /);
    expect(describeKubeError(new Error('socket hang up'))).toBe('socket hang up');
  });
});
