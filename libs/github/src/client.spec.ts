import { generateKeyPairSync, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { ConfigError, InputError, UnavailableError } from '@cite/errors';
import { startFakeGitHub, type FakeGitHub } from '@cite/test-support';
import {
  clipDescription,
  createGitHubApi,
  GitHubRejectedError,
  isRateLimited,
  retryAfterSeconds,
  type GitHubApi,
} from './client';

const TOKEN = 'ghp_s3cretTokenThatMustNeverLeak';
let github: FakeGitHub;
let api: GitHubApi;

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github.close());
beforeEach(() => {
  github.reset();
  api = createGitHubApi({ baseUrl: github.url, token: TOKEN, timeoutMs: 15_000 });
});

/** The error `promise` rejects with (failing the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );
}

const status = { repo: 'acme/web', sha: 'abc123', state: 'pending', context: 'cite/web' } as const;

describe('createGitHubApi with a token', () => {
  it('creates a commit status with the token, target URL and description', async () => {
    await api.createCommitStatus({
      ...status,
      description: 'Deploying',
      targetUrl: 'https://cite.example/r/1',
    });
    expect(github.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/repos/acme/web/statuses/abc123',
        body: {
          state: 'pending',
          context: 'cite/web',
          description: 'Deploying',
          target_url: 'https://cite.example/r/1',
        },
        headers: expect.objectContaining({
          authorization: `token ${TOKEN}`,
          'user-agent': expect.stringMatching(/^cite /),
        }),
      }),
    ]);
  });

  it("cuts descriptions to GitHub's 140 characters (the fake, like GitHub, refuses longer ones)", async () => {
    await api.createCommitStatus({ ...status, description: 'é'.repeat(200) });
    const { id } = await api.createDeployment({ repo: 'acme/web', ref: 'abc123', environment: 'production' });
    await api.createDeploymentStatus({
      repo: 'acme/web',
      deploymentId: id,
      state: 'failure',
      description: 'x'.repeat(300),
    });
    const descriptions = github.requests
      .map((request) => (request.body as { description?: string }).description)
      .filter((text) => text !== undefined);
    expect(descriptions).toEqual([`${'é'.repeat(139)}…`, `${'x'.repeat(139)}…`]);
  });

  it('creates a deployment of exactly the ref, without auto-merge or required contexts, and answers its id', async () => {
    const first = await api.createDeployment({
      repo: 'acme/web',
      ref: 'abc123',
      environment: 'pr-7',
      description: 'Release 3',
      transientEnvironment: true,
      productionEnvironment: false,
    });
    const second = await api.createDeployment({ repo: 'acme/web', ref: 'def456', environment: 'production' });
    expect(second.id).toBeGreaterThan(first.id);
    expect(github.requests[0]).toMatchObject({
      method: 'POST',
      path: '/repos/acme/web/deployments',
      body: {
        ref: 'abc123',
        environment: 'pr-7',
        description: 'Release 3',
        auto_merge: false,
        required_contexts: [],
        transient_environment: true,
        production_environment: false,
      },
    });
  });

  it('creates deployment statuses with log and environment URLs', async () => {
    const { id } = await api.createDeployment({ repo: 'acme/web', ref: 'abc123', environment: 'production' });
    await api.createDeploymentStatus({
      repo: 'acme/web',
      deploymentId: id,
      state: 'success',
      logUrl: 'https://cite.example/r/1',
      environmentUrl: 'https://web.example',
    });
    expect(github.requests[1]).toMatchObject({
      method: 'POST',
      path: `/repos/acme/web/deployments/${id}/statuses`,
      body: { state: 'success', log_url: 'https://cite.example/r/1', environment_url: 'https://web.example' },
    });
  });

  it('upserts a comment: creates, edits the same one, and creates anew when the old one is gone', async () => {
    const created = await api.upsertComment({ repo: 'acme/web', issue: 7, body: 'one' });
    const edited = await api.upsertComment({
      repo: 'acme/web',
      issue: 7,
      commentId: created.id,
      body: 'two',
    });
    expect(edited.id).toBe(created.id);
    const replaced = await api.upsertComment({
      repo: 'acme/web',
      issue: 7,
      commentId: 99_999,
      body: 'three',
    });
    expect(replaced.id).not.toBe(created.id);
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /repos/acme/web/issues/7/comments',
      `PATCH /repos/acme/web/issues/comments/${created.id}`,
      'PATCH /repos/acme/web/issues/comments/99999',
      'POST /repos/acme/web/issues/7/comments',
    ]);
  });

  it("answers a branch's head, null for a branch GitHub does not know, and refuses other 404s", async () => {
    github.setBranchHead('acme/web', 'feature/login', 'f00d');
    expect(await api.branchHead('acme/web', 'feature/login')).toBe('f00d');
    expect(await api.branchHead('acme/web', 'gone')).toBeNull();
    github.failNext(1, 404); // "Not Found": the repository, not the branch
    const error = await failure(api.branchHead('acme/web', 'feature/login'));
    expect(error).toBeInstanceOf(GitHubRejectedError);
    expect(error).toMatchObject({ status: 404 });
  });

  it("answers a pull request's state, and null for one GitHub does not have", async () => {
    github.setPullRequest('acme/web', 7, 'open');
    github.setPullRequest('Acme/Web', 8, 'closed');
    expect(await api.pullRequestState('acme/web', 7)).toBe('open');
    expect(await api.pullRequestState('acme/web', 8)).toBe('closed');
    expect(await api.pullRequestState('acme/web', 9)).toBeNull();
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/web/pulls/7',
      'GET /repos/acme/web/pulls/8',
      'GET /repos/acme/web/pulls/9',
    ]);
  });

  it('refuses a repository that is not owner/name before calling GitHub', async () => {
    await expect(api.branchHead('acme', 'main')).rejects.toBeInstanceOf(InputError);
    expect(github.requests).toEqual([]);
  });

  it("uses GitHub Enterprise's /api/v3 base URL", async () => {
    const enterprise = createGitHubApi({ baseUrl: `${github.url}/api/v3/`, token: TOKEN });
    await failure(enterprise.createCommitStatus(status));
    expect(github.requests.map((request) => request.path)).toEqual([
      '/api/v3/repos/acme/web/statuses/abc123',
    ]);
  });

  it('needs a token or an App', () => {
    expect(() => createGitHubApi({ baseUrl: github.url })).toThrow(ConfigError);
  });
});

describe('failures', () => {
  it.each([500, 502, 503])(
    '%i is UnavailableError, sent once (the queue retries, not octokit)',
    async (code) => {
      github.failNext(1, code);
      const error = await failure(api.createCommitStatus(status));
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error).toMatchObject({ dependency: 'github' });
      expect(github.requests).toHaveLength(1);
    },
  );

  it('a 429 is UnavailableError with the wait GitHub asks for', async () => {
    github.failNext(1, 429, { headers: { 'retry-after': '42' } });
    const error = await failure(api.createCommitStatus(status));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ retryAfterSeconds: 42 });
    expect(github.requests).toHaveLength(1);
  });

  it('a rate-limit 403 is UnavailableError until the limit resets; another 403 is rejected', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    github.failNext(1, 403, {
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    });
    const limited = await failure(api.createCommitStatus(status));
    expect(limited).toBeInstanceOf(UnavailableError);
    expect((limited as UnavailableError).retryAfterSeconds).toBeGreaterThan(100);
    expect((limited as UnavailableError).retryAfterSeconds).toBeLessThanOrEqual(121);

    github.failNext(1, 403, { message: 'Resource not accessible by integration' });
    const refused = await failure(api.createCommitStatus(status));
    expect(refused).toBeInstanceOf(GitHubRejectedError);
    expect(refused.message).toMatch(/403: Resource not accessible by integration/);
  });

  it.each([401, 404, 422])('%i is GitHubRejectedError, naming the call', async (code) => {
    github.failNext(1, code);
    const error = await failure(api.createCommitStatus(status));
    expect(error).toBeInstanceOf(GitHubRejectedError);
    expect(error).toMatchObject({ status: code, code: 'internal' });
    expect(error.message).toMatch(
      new RegExp(`commit status cite/web on acme/web@abc123: GitHub answered ${code}`),
    );
  });

  it('a GitHub that does not answer in time is UnavailableError, without waiting for it', async () => {
    const impatient = createGitHubApi({ baseUrl: github.url, token: TOKEN, timeoutMs: 150 });
    github.delayNext(1, 10_000);
    const started = Date.now();
    const error = await failure(impatient.createCommitStatus(status));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toMatch(/no answer within 150 ms/);
  });

  it('a GitHub that is down or unreachable is UnavailableError', async () => {
    github.setDown(true);
    expect(await failure(api.upsertComment({ repo: 'acme/web', issue: 1, body: 'x' }))).toBeInstanceOf(
      UnavailableError,
    );
    const closed = await startFakeGitHub();
    await closed.close();
    const nowhere = createGitHubApi({ baseUrl: closed.url, token: TOKEN });
    const error = await failure(nowhere.createCommitStatus(status));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toMatch(/GitHub unreachable/);
  });

  it('never carries the token, whatever went wrong', async () => {
    const impatient = createGitHubApi({ baseUrl: github.url, token: TOKEN, timeoutMs: 100 });
    github.failNext(1, 401);
    const rejected = await failure(api.createCommitStatus(status));
    github.failNext(1, 500);
    const unavailable = await failure(api.createCommitStatus(status));
    github.delayNext(1, 5_000);
    const timedOut = await failure(impatient.createCommitStatus(status));
    for (const error of [rejected, unavailable, timedOut]) {
      const shown = `${inspect(error, { depth: Infinity })} ${String(error.stack)}`;
      expect(shown).not.toContain(TOKEN);
      expect(shown).not.toContain('s3cret');
    }
    // The token did go out: the check above is not vacuous.
    expect(github.requests[0]!.headers.authorization).toBe(`token ${TOKEN}`);
  });
});

describe('createGitHubApi as a GitHub App', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // GitHub hands out PKCS#1 keys ("BEGIN RSA PRIVATE KEY").
  const privateKey = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

  function jwtOf(authorization: string | undefined): { iss: unknown; valid: boolean } {
    const jwt = (authorization ?? '').replace(/^bearer /, '');
    const [header = '', payload = '', signature = ''] = jwt.split('.');
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      keys.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    return { iss: (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss: unknown }).iss, valid };
  }

  it("looks the repository's installation up, gets its token, and uses it; both are reused", async () => {
    const app = createGitHubApi({ baseUrl: github.url, app: { appId: '4242', privateKey } });
    await app.createCommitStatus(status);
    await app.createCommitStatus({ ...status, state: 'success' });
    const [lookup, token, first, second] = github.requests;
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /repos/acme/web/installation',
      'POST /app/installations/1/access_tokens',
      'POST /repos/acme/web/statuses/abc123',
      'POST /repos/acme/web/statuses/abc123',
    ]);
    for (const appCall of [lookup, token]) {
      expect(appCall!.headers.authorization).toMatch(/^bearer /);
      expect(jwtOf(appCall!.headers.authorization)).toEqual({ iss: '4242', valid: true });
    }
    expect(first!.headers.authorization).toMatch(/^token ghs_fake/);
    expect(second!.headers.authorization).toBe(first!.headers.authorization);
  });

  it('accepts a key whose newlines came escaped through an environment variable', async () => {
    const escaped = privateKey.replace(/\n/g, '\\n');
    const app = createGitHubApi({ baseUrl: github.url, app: { appId: '4242', privateKey: escaped } });
    await app.createCommitStatus(status);
    expect(github.requests.at(-1)!.headers.authorization).toMatch(/^token ghs_fake/);
  });

  it('asks for the installation again after a failed lookup', async () => {
    const app = createGitHubApi({ baseUrl: github.url, app: { appId: '4242', privateKey } });
    github.failNext(1, 502);
    await expect(app.createCommitStatus(status)).rejects.toBeInstanceOf(UnavailableError);
    await app.createCommitStatus(status);
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /repos/acme/web/installation',
      'GET /repos/acme/web/installation',
      'POST /app/installations/1/access_tokens',
      'POST /repos/acme/web/statuses/abc123',
    ]);
  });

  it('refuses a private key that is not one, without showing it', () => {
    const broken = '-----BEGIN RSA PRIVATE KEY-----\nnot-a-key-at-all\n-----END RSA PRIVATE KEY-----\n';
    const attempt = () =>
      createGitHubApi({ baseUrl: github.url, app: { appId: '4242', privateKey: broken } });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).not.toThrow(/not-a-key-at-all/);
  });

  it('a repository the App is not installed on is rejected', async () => {
    const app = createGitHubApi({ baseUrl: github.url, app: { appId: '4242', privateKey } });
    github.failNext(1, 404);
    const error = await failure(app.createCommitStatus(status));
    expect(error).toBeInstanceOf(GitHubRejectedError);
    expect(inspect(error, { depth: Infinity })).not.toContain(privateKey.split('\n')[1]!);
  });
});

describe('pure helpers', () => {
  it('clipDescription counts characters as GitHub does, not UTF-16 units', () => {
    expect(clipDescription('short')).toBe('short');
    expect(clipDescription('x'.repeat(140))).toBe('x'.repeat(140));
    expect([...clipDescription('🚀'.repeat(141))]).toHaveLength(140);
    expect(clipDescription('🚀'.repeat(141)).endsWith('🚀…')).toBe(true);
  });

  it('isRateLimited tells a rate limit from another 403', () => {
    expect(isRateLimited(403, { 'x-ratelimit-remaining': '0' }, 'Forbidden')).toBe(true);
    expect(isRateLimited(403, {}, 'You have exceeded a secondary rate limit.')).toBe(true);
    expect(isRateLimited(403, { 'retry-after': '60' }, 'Forbidden')).toBe(true);
    expect(isRateLimited(403, { 'x-ratelimit-remaining': '4000' }, 'Resource not accessible')).toBe(false);
    expect(isRateLimited(404, { 'x-ratelimit-remaining': '0' }, 'Not Found')).toBe(false);
  });

  it('retryAfterSeconds prefers retry-after, else waits for the reset', () => {
    const now = 1_700_000_000_000;
    expect(retryAfterSeconds({ 'retry-after': '30' }, now)).toBe(30);
    expect(
      retryAfterSeconds({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) }, now),
    ).toBe(90);
    expect(
      retryAfterSeconds({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 - 5) }, now),
    ).toBe(1);
    expect(
      retryAfterSeconds({ 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': '1' }, now),
    ).toBeUndefined();
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
  });
});
