import { ConflictError, InputError, NotFoundError } from './errors';
import { conflictAt, invalidField, notFoundAt } from './field-errors';
import { toHttpError } from './http';

describe('field errors', () => {
  it.each([
    [invalidField('spec.port', 'must be 1-65535'), InputError, 400, 'spec.port: must be 1-65535'],
    [conflictAt('domains.0', 'domain taken'), ConflictError, 409, 'domain taken'],
    [notFoundAt('name', 'service web not found'), NotFoundError, 404, 'service web not found'],
  ])('%s names its field as the one detail', (error, type, status, message) => {
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(message);
    const http = toHttpError(error);
    expect(http.status).toBe(status);
    expect(http.body.error.details).toHaveLength(1);
    expect(http.body.error.details[0]!.path).toBe(error.details[0]!.path);
  });
});
