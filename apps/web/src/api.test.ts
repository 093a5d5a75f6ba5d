import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, apiUrl, onUnauthenticated, session } from './api';

afterEach(() => vi.unstubAllGlobals());

function answer(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('api client', () => {
  it('builds query strings, repeating list values and leaving out empty ones', () => {
    expect(apiUrl('/services', { team: 'pay', label: ['a=b', 'c'], cursor: undefined, q: '' })).toBe(
      '/api/v1/services?team=pay&label=a%3Db&label=c',
    );
  });

  it('sends the session token and JSON, and answers the parsed body', async () => {
    session.set('cite_abc');
    const fetch = vi.fn(async () => answer(201, { name: 'web' }));
    vi.stubGlobal('fetch', fetch);
    await expect(api('/services', { method: 'POST', body: { name: 'web' } })).resolves.toEqual({
      name: 'web',
    });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/services');
    expect(init.headers).toMatchObject({
      authorization: 'Bearer cite_abc',
      'content-type': 'application/json',
    });
    expect(init.body).toBe('{"name":"web"}');
  });

  it("turns the API's error into ApiError with the fields at fault", async () => {
    vi.stubGlobal('fetch', async () =>
      answer(400, {
        error: {
          code: 'invalid_input',
          message: 'invalid service',
          details: [{ path: 'resources.cpu.request', message: 'must be at most the limit' }],
        },
      }),
    );
    const error = (await api('/services', { method: 'POST', body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.fieldMessage('resources.cpu.request')).toBe('must be at most the limit');
    expect(error.fieldMessage('resources')).toBe('must be at most the limit');
    expect(error.fieldMessage('replicas')).toBeUndefined();
    const env = new ApiError(400, 'invalid_input', 'invalid', [
      { path: 'env.2.name', message: 'not a name' },
    ]);
    expect(env.fieldMessage('env[2].name')).toBe('not a name');
    expect(env.fieldMessage('env.2')).toBe('not a name');
    expect(env.fieldMessage('env.20')).toBeUndefined();
  });

  it('ends the session on 401 and tells the listeners why', async () => {
    session.set('cite_old');
    const told = vi.fn();
    const stop = onUnauthenticated(told);
    vi.stubGlobal('fetch', async () =>
      answer(401, { error: { code: 'unauthenticated', message: 'token expired', details: [] } }),
    );
    await expect(api('/services')).rejects.toMatchObject({ status: 401 });
    expect(session.token()).toBeNull();
    expect(told).toHaveBeenCalledWith('token expired');
    stop();
  });
});
