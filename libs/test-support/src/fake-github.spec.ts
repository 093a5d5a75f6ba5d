import { startFakeGitHub, type FakeGitHub } from './fake-github';
import { pollUntil } from './poll';

let github: FakeGitHub;

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github.close());
beforeEach(() => github.reset());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${github.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the fake GitHub', () => {
  it('listens on 127.0.0.1', () => {
    expect(github.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('records every request with its method, path, parsed body and headers', async () => {
    await call(
      'POST',
      '/repos/acme/web/statuses/abc123',
      { state: 'pending', context: 'cite/web' },
      {
        authorization: 'token t0k',
      },
    );
    await call('GET', '/nowhere?x=1');
    expect(github.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/repos/acme/web/statuses/abc123',
        body: { state: 'pending', context: 'cite/web' },
        headers: expect.objectContaining({ authorization: 'token t0k' }),
      }),
      expect.objectContaining({ method: 'GET', path: '/nowhere', body: undefined }),
    ]);
  });

  it('creates commit statuses, deployments and deployment statuses with increasing ids', async () => {
    const status = await call('POST', '/repos/acme/web/statuses/abc', {
      state: 'success',
      context: 'cite/web',
      target_url: 'https://cite/releases/1',
    });
    expect(status).toMatchObject({ status: 201, body: { state: 'success', context: 'cite/web' } });
    const deployment = await call('POST', '/repos/acme/web/deployments', { ref: 'abc', environment: 'pr-3' });
    expect(deployment).toMatchObject({ status: 201, body: { sha: 'abc', ref: 'abc', environment: 'pr-3' } });
    const deploymentId = deployment.body['id'] as number;
    expect(deploymentId).toBeGreaterThan(status.body['id'] as number);
    const deploymentStatus = await call('POST', `/repos/acme/web/deployments/${deploymentId}/statuses`, {
      state: 'in_progress',
    });
    expect(deploymentStatus).toMatchObject({
      status: 201,
      body: { state: 'in_progress', environment: 'pr-3' },
    });
    expect(deploymentStatus.body['id']).toBeGreaterThan(deploymentId);
  });

  it('validates like GitHub: unknown states, descriptions over 140 characters, unknown deployments', async () => {
    expect((await call('POST', '/repos/acme/web/statuses/abc', { state: 'done' })).status).toBe(422);
    const long = await call('POST', '/repos/acme/web/statuses/abc', {
      state: 'pending',
      description: 'x'.repeat(141),
    });
    expect(long).toMatchObject({ status: 422, body: { message: 'Validation Failed' } });
    expect(
      (await call('POST', '/repos/acme/web/statuses/abc', { state: 'pending', description: 'x'.repeat(140) }))
        .status,
    ).toBe(201);
    expect(
      (await call('POST', '/repos/acme/web/deployments/999/statuses', { state: 'success' })).status,
    ).toBe(404);
    expect((await call('POST', '/repos/acme/web/deployments', {})).status).toBe(422);
  });

  it('creates comments and edits them; editing a missing comment is 404', async () => {
    const created = await call('POST', '/repos/acme/web/issues/7/comments', { body: 'first' });
    expect(created).toMatchObject({ status: 201, body: { body: 'first' } });
    const id = created.body['id'] as number;
    const edited = await call('PATCH', `/repos/acme/web/issues/comments/${id}`, { body: 'second' });
    expect(edited).toMatchObject({ status: 200, body: { id, body: 'second' } });
    expect((await call('PATCH', '/repos/acme/web/issues/comments/4242', { body: 'x' })).status).toBe(404);
    expect((await call('PATCH', `/repos/acme/other/issues/comments/${id}`, { body: 'x' })).status).toBe(404);
  });

  it('answers branch heads that were set, and 404 "Branch not found" otherwise', async () => {
    github.setBranchHead('Acme/Web', 'feature/x', 'f00d');
    expect(await call('GET', '/repos/acme/web/branches/feature%2Fx')).toMatchObject({
      status: 200,
      body: { name: 'feature/x', commit: { sha: 'f00d' } },
    });
    expect(await call('GET', '/repos/acme/web/branches/main')).toMatchObject({
      status: 404,
      body: { message: 'Branch not found' },
    });
  });

  it('answers the installation and installation tokens; anything else is 404', async () => {
    expect(await call('GET', '/repos/acme/web/installation')).toMatchObject({ status: 200, body: { id: 1 } });
    const token = await call('POST', '/app/installations/1/access_tokens');
    expect(token.status).toBe(201);
    expect(token.body['token']).toEqual(expect.any(String));
    expect(Date.parse(token.body['expires_at'] as string)).toBeGreaterThan(Date.now());
    expect((await call('DELETE', '/repos/acme/web')).status).toBe(404);
    expect((await call('GET', '/repos/acme/web/statuses/abc')).status).toBe(404);
  });

  it('fails the next requests as told, with GitHub error bodies and extra headers, then recovers', async () => {
    github.failNext(2, 403, {
      message: 'API rate limit exceeded',
      headers: { 'x-ratelimit-remaining': '0' },
    });
    const first = await call('GET', '/repos/acme/web/installation');
    expect(first).toMatchObject({ status: 403, body: { message: 'API rate limit exceeded' } });
    expect(first.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await call('GET', '/repos/acme/web/installation')).status).toBe(403);
    expect((await call('GET', '/repos/acme/web/installation')).status).toBe(200);
    expect(github.requests).toHaveLength(3);
  });

  it('answers late as told', async () => {
    github.delayNext(1, 300);
    const started = Date.now();
    expect((await call('GET', '/repos/acme/web/installation')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const next = Date.now();
    await call('GET', '/repos/acme/web/installation');
    expect(Date.now() - next).toBeLessThan(250);
  });

  it('answers 503 to everything while down', async () => {
    github.setDown(true);
    expect((await call('GET', '/repos/acme/web/installation')).status).toBe(503);
    expect((await call('POST', '/repos/acme/web/issues/1/comments', { body: 'x' })).status).toBe(503);
    github.setDown(false);
    expect((await call('GET', '/repos/acme/web/installation')).status).toBe(200);
  });

  it('reset forgets requests, failures, objects and branch heads, but ids keep increasing', async () => {
    const before = await call('POST', '/repos/acme/web/issues/1/comments', { body: 'x' });
    github.setBranchHead('acme/web', 'main', 'abc');
    github.failNext(1, 500);
    github.setDown(true);
    github.reset();
    expect(github.requests).toEqual([]);
    expect(
      (await call('PATCH', `/repos/acme/web/issues/comments/${String(before.body['id'])}`, { body: 'y' }))
        .status,
    ).toBe(404);
    expect((await call('GET', '/repos/acme/web/branches/main')).status).toBe(404);
    const after = await call('POST', '/repos/acme/web/issues/1/comments', { body: 'x' });
    expect(after.body['id']).toBeGreaterThan(before.body['id'] as number);
  });
});

describe('closing the fake GitHub', () => {
  it('closes while a request is still delayed', async () => {
    const other = await startFakeGitHub();
    other.delayNext(1, 60_000);
    const outcome = fetch(`${other.url}/repos/acme/web/installation`).then(
      () => 'answered',
      (cause: Error) => cause.message,
    );
    await pollUntil('the delayed request to arrive', () => other.requests.length === 1);
    await other.close();
    expect(await outcome).toBe('fetch failed');
  });
});
