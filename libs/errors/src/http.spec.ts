import {
  ConflictError,
  CorruptValueError,
  InputError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  TimeoutError,
  UnavailableError,
  UnsupportedMediaTypeError,
} from './errors';
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

  it('answers a generic message for 5xx: no etcd key, no gRPC status, no host', () => {
    const etcd = toHttpError(
      new UnavailableError(
        'etcd',
        'etcd unavailable during get /cite/v1/tokens/abc: 4 DEADLINE_EXCEEDED: Deadline exceeded',
      ),
    );
    expect(etcd.body).toEqual({
      error: { code: 'unavailable', message: 'etcd is unavailable; try again', details: [] },
    });
    expect(etcd.headers['retry-after']).toBe('5');
    expect(etcd.log).toBe(true);
    const redis = toHttpError(
      new UnavailableError('redis', 'redis unreachable: connect ECONNREFUSED 10.0.0.3:6379'),
    );
    expect(redis.body.error.message).toBe('redis is unavailable; try again');
    const timeout = toHttpError(new TimeoutError('lock services/web held by deployer-7 for 30 s'));
    expect(timeout.status).toBe(504);
    expect(JSON.stringify(timeout.body)).not.toMatch(/services\/web|deployer-7/);
  });

  it('maps 405 with Allow, 413 and 415 with their details', () => {
    const method = toHttpError(new MethodNotAllowedError(['GET', 'HEAD'], 'PUT is not allowed'));
    expect(method.status).toBe(405);
    expect(method.headers['allow']).toBe('GET, HEAD');
    expect(method.body.error.code).toBe('method_not_allowed');
    const large = toHttpError(
      new PayloadTooLargeError('too large', { details: [{ path: 'body', message: 'over 1 MB' }] }),
    );
    expect([large.status, large.body.error.code, large.body.error.details]).toEqual([
      413,
      'payload_too_large',
      [{ path: 'body', message: 'over 1 MB' }],
    ]);
    const media = toHttpError(new UnsupportedMediaTypeError('use JSON'));
    expect([media.status, media.body.error.code, media.log]).toEqual([415, 'unsupported_media_type', false]);
  });
});
