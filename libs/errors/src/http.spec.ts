import { ConflictError, InputError, UnavailableError, CorruptValueError } from './errors';
import { toHttpError } from './http';

describe('toHttpError', () => {
  it('maps input errors to 400 with field details', () => {
    const mapped = toHttpError(new InputError('bad', { details: [{ path: 'port', message: 'too big' }] }));
    expect(mapped.status).toBe(400);
    expect(mapped.body.error).toEqual({
      code: 'invalid_input',
      message: 'bad',
      details: [{ path: 'port', message: 'too big' }],
    });
    expect(mapped.log).toBe(false);
  });

  it('maps conflicts to 409 and unavailability to 503 with Retry-After', () => {
    expect(toHttpError(new ConflictError('stale')).status).toBe(409);
    const unavailable = toHttpError(
      new UnavailableError('etcd', 'etcd unreachable', { retryAfterSeconds: 7 }),
    );
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('7');
  });

  it('hides internals of unknown and corrupt-value errors', () => {
    const unknown = toHttpError(new Error('secret stack detail'));
    expect(unknown.status).toBe(500);
    expect(JSON.stringify(unknown.body)).not.toContain('secret');
    const corrupt = toHttpError(new CorruptValueError('/cite/v1/services/x', 'not JSON'));
    expect(corrupt.status).toBe(500);
    expect(corrupt.log).toBe(true);
    expect(corrupt.body.error.message).toBe('internal error');
  });
});
