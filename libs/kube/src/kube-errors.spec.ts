import { ConflictError, ForbiddenError, InputError, NotFoundError, UnavailableError } from '@cite/errors';
import { ApiException } from '@kubernetes/client-node';
import { kubeCall, translateKubeError } from './kube-errors';

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
