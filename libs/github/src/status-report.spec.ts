import { UnavailableError } from '@cite/errors';
import { startFakeGitHub, type FakeGitHub, type RecordedRequest } from '@cite/test-support';
import { createGitHubApi, GitHubRejectedError, type GitHubApi } from './client';
import {
  missingStages,
  parentOf,
  previewComment,
  reportRelease,
  type ReleaseReport,
  type ReportProgress,
  type ReportStore,
} from './status-report';

/** The store port in memory: test scaffolding, not the thing tested. */
function memoryStore(): ReportStore & {
  progress: Map<string, ReportProgress>;
  comments: Map<string, number>;
} {
  const progress = new Map<string, ReportProgress>();
  const comments = new Map<string, number>();
  return {
    progress,
    comments,
    get: (service, number) => Promise.resolve(structuredClone(progress.get(`${service}/${number}`) ?? null)),
    put: (service, number, value) =>
      Promise.resolve(void progress.set(`${service}/${number}`, structuredClone(value))),
    commentId: (service) => Promise.resolve(comments.get(service)),
    setCommentId: (service, id) => Promise.resolve(void comments.set(service, id)),
  };
}

let github: FakeGitHub;
let api: GitHubApi;
let store: ReturnType<typeof memoryStore>;

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github.close());
beforeEach(() => {
  github.reset();
  api = createGitHubApi({ baseUrl: github.url, token: 'ghp_test', timeoutMs: 15_000 });
  store = memoryStore();
});

const SHA = 'abc1234def5678';
const production: ReleaseReport = {
  service: 'web',
  number: 3,
  repo: 'acme/web',
  sha: SHA,
  environment: 'production',
  status: 'succeeded',
  releaseUrl: 'https://cite.example/api/v1/services/web/releases/3',
  environmentUrl: 'https://web.example.com',
};
const preview: ReleaseReport = {
  service: 'web-pr-7',
  number: 1,
  repo: 'acme/web',
  sha: SHA,
  environment: 'pr-7',
  status: 'succeeded',
  releaseUrl: 'https://cite.example/api/v1/services/web-pr-7/releases/1',
  environmentUrl: 'https://web-pr-7.preview.example.com',
  pullRequest: 7,
};

/** What GitHub was told, one line per request: the call and the state it set. */
function told(requests: readonly RecordedRequest[] = github.requests): string[] {
  return requests.map((request) => {
    const state = (request.body as { state?: string } | undefined)?.state;
    const path = request.path
      .replace(/\/deployments\/\d+\//, '/deployments/ID/')
      .replace(/comments\/\d+$/, 'comments/ID');
    return `${request.method} ${path}${state ? ` ${state}` : ''}`;
  });
}

const bodies = (pattern: RegExp) =>
  github.requests.filter((request) => pattern.test(request.path)).map((request) => request.body);

/** The real client, with the fake told to fail the `nth` call of `method` (orchestration, not a mock). */
function failing(method: keyof GitHubApi, status: number, nth = 1): GitHubApi {
  let calls = 0;
  return new Proxy(api, {
    get(target, name: keyof GitHubApi) {
      const real = target[name] as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => {
        if (name === method && ++calls === nth) github.failNext(1, status);
        return real(...args);
      };
    },
  });
}

const FULL_SEQUENCE = [
  `POST /repos/acme/web/statuses/${SHA} pending`,
  'POST /repos/acme/web/deployments',
  'POST /repos/acme/web/deployments/ID/statuses pending',
  'POST /repos/acme/web/deployments/ID/statuses in_progress',
  'POST /repos/acme/web/deployments/ID/statuses success',
  `POST /repos/acme/web/statuses/${SHA} success`,
];

describe('reportRelease', () => {
  it('reports a release first seen as succeeded as the whole sequence, in order', async () => {
    expect(await reportRelease(api, store, production)).toEqual(['pending', 'in_progress', 'final']);
    expect(told()).toEqual(FULL_SEQUENCE);
    expect(bodies(/\/deployments$/)).toEqual([
      expect.objectContaining({
        ref: SHA,
        environment: 'production',
        production_environment: true,
        transient_environment: false,
      }),
    ]);
    expect(bodies(/\/statuses\/abc/)).toEqual([
      expect.objectContaining({ context: 'cite/web', target_url: production.releaseUrl }),
      expect.objectContaining({
        context: 'cite/web',
        target_url: production.releaseUrl,
        description: 'Release 3 of web is live',
      }),
    ]);
    expect(bodies(/\/deployments\/\d+\/statuses$/).at(-1)).toMatchObject({
      state: 'success',
      log_url: production.releaseUrl,
      environment_url: 'https://web.example.com',
    });
    expect(store.progress.get('web/3')).toEqual({
      stages: ['pending', 'in_progress', 'final'],
      deploymentId: expect.any(Number),
    });
  });

  it('sends each stage once as the release moves on, and nothing when GitHub already knows', async () => {
    expect(await reportRelease(api, store, { ...production, status: 'pending' })).toEqual(['pending']);
    expect(told()).toEqual(FULL_SEQUENCE.slice(0, 3));
    expect(await reportRelease(api, store, { ...production, status: 'pending' })).toEqual([]);
    expect(await reportRelease(api, store, { ...production, status: 'in_progress' })).toEqual([
      'in_progress',
    ]);
    expect(await reportRelease(api, store, production)).toEqual(['final']);
    expect(await reportRelease(api, store, production)).toEqual([]);
    expect(told()).toEqual(FULL_SEQUENCE);
  });

  it('after a failure once the deployment exists, a retry sends only what is missing: no second deployment', async () => {
    const error = await reportRelease(failing('createDeploymentStatus', 502), store, production).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(store.progress.get('web/3')).toEqual({ stages: [], deploymentId: expect.any(Number) });
    const before = github.requests.length;
    expect(await reportRelease(api, store, production)).toEqual(['pending', 'in_progress', 'final']);
    expect(told(github.requests.slice(before))).toEqual(FULL_SEQUENCE.slice(2));
    expect(told().filter((line) => line.endsWith('/deployments'))).toHaveLength(1);
    const deploymentId = store.progress.get('web/3')!.deploymentId;
    expect(github.requests.slice(before)[0]!.path).toBe(
      `/repos/acme/web/deployments/${deploymentId}/statuses`,
    );
  });

  it('after a failure in final, a retry resends only final', async () => {
    const error = await reportRelease(failing('createCommitStatus', 500, 2), store, production).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(store.progress.get('web/3')!.stages).toEqual(['pending', 'in_progress']);
    const before = github.requests.length;
    expect(await reportRelease(api, store, production)).toEqual(['final']);
    expect(told(github.requests.slice(before))).toEqual(FULL_SEQUENCE.slice(4));
  });

  it('a timeout is UnavailableError and saves nothing; the retry then sends everything', async () => {
    const impatient = createGitHubApi({ baseUrl: github.url, token: 'ghp_test', timeoutMs: 150 });
    github.delayNext(1, 5_000);
    await expect(reportRelease(impatient, store, production)).rejects.toBeInstanceOf(UnavailableError);
    expect(store.progress.size).toBe(0);
    expect(await reportRelease(api, store, production)).toEqual(['pending', 'in_progress', 'final']);
  });

  it('lets a refusal through as GitHubRejectedError', async () => {
    await expect(reportRelease(failing('createDeployment', 422), store, production)).rejects.toBeInstanceOf(
      GitHubRejectedError,
    );
  });

  it('reports a failed release with its reason, and comments on no pull request', async () => {
    const failed: ReleaseReport = {
      ...preview,
      status: 'failed',
      failureReason: 'ImagePullBackOff: no such tag',
    };
    await reportRelease(api, store, failed);
    expect(told().slice(-2)).toEqual([
      'POST /repos/acme/web/deployments/ID/statuses failure',
      `POST /repos/acme/web/statuses/${SHA} failure`,
    ]);
    expect(bodies(/\/deployments\/\d+\/statuses$/).at(-1)).toMatchObject({
      description: 'Release 1 of web-pr-7 failed: ImagePullBackOff: no such tag',
      log_url: preview.releaseUrl,
    });
    expect(bodies(/\/deployments\/\d+\/statuses$/).at(-1)).not.toHaveProperty('environment_url');
    expect(told().some((line) => line.includes('/comments'))).toBe(false);
  });

  it('reports a superseded release as an inactive deployment and an error status, with no comment', async () => {
    expect(await reportRelease(api, store, { ...preview, status: 'superseded' })).toEqual([
      'pending',
      'in_progress',
      'final',
    ]);
    expect(told()).toEqual([
      ...FULL_SEQUENCE.slice(0, 4),
      'POST /repos/acme/web/deployments/ID/statuses inactive',
      `POST /repos/acme/web/statuses/${SHA} error`,
    ]);
    expect(bodies(/\/statuses\/abc/).at(-1)).toMatchObject({
      description: 'Release 1 of web-pr-7 was superseded by a newer release',
    });
  });

  it('deploys a preview to a transient environment and comments once, then edits that comment', async () => {
    await reportRelease(api, store, preview);
    expect(bodies(/\/deployments$/)).toEqual([
      expect.objectContaining({
        environment: 'pr-7',
        transient_environment: true,
        production_environment: false,
      }),
    ]);
    expect(told().at(-1)).toBe('POST /repos/acme/web/issues/7/comments');
    const commentId = store.comments.get('web-pr-7');
    expect(commentId).toEqual(expect.any(Number));
    expect(bodies(/comments$/)[0]).toEqual({ body: previewComment(preview) });

    const second = { ...preview, number: 2, sha: 'fedcba9876543210' };
    const before = github.requests.length;
    await reportRelease(api, store, second);
    const later = github.requests.slice(before);
    expect(told(later).filter((line) => line.includes('comments'))).toEqual([
      'PATCH /repos/acme/web/issues/comments/ID',
    ]);
    expect(later.at(-1)).toMatchObject({
      path: `/repos/acme/web/issues/comments/${commentId}`,
      body: { body: expect.stringContaining('(release 2, fedcba9)') },
    });
    expect(store.comments.get('web-pr-7')).toBe(commentId);
  });

  it('posts a new comment when the one it kept editing was deleted', async () => {
    store.comments.set('web-pr-7', 987_654);
    await reportRelease(api, store, preview);
    expect(told().slice(-2)).toEqual([
      'PATCH /repos/acme/web/issues/comments/ID',
      'POST /repos/acme/web/issues/7/comments',
    ]);
    expect(store.comments.get('web-pr-7')).not.toBe(987_654);
  });

  it('uses the context it is given', async () => {
    await reportRelease(api, store, { ...production, status: 'pending' }, 'deploy/web');
    expect(bodies(/\/statuses\/abc/)).toEqual([expect.objectContaining({ context: 'deploy/web' })]);
  });
});

describe('report helpers', () => {
  it('missingStages sends what the status reached and was not sent, pending again without a deployment', () => {
    expect(missingStages('pending', null)).toEqual(['pending']);
    expect(missingStages('in_progress', null)).toEqual(['pending', 'in_progress']);
    expect(missingStages('failed', { stages: ['pending'], deploymentId: 1 })).toEqual([
      'in_progress',
      'final',
    ]);
    expect(
      missingStages('succeeded', { stages: ['pending', 'in_progress', 'final'], deploymentId: 1 }),
    ).toEqual([]);
    expect(missingStages('in_progress', { stages: ['pending'] })).toEqual(['pending', 'in_progress']);
  });

  it('previewComment names the parent, the URL, the release and the short sha', () => {
    expect(previewComment(preview)).toMatch(
      /^Preview of `web` for this pull request is live at https:\/\/web-pr-7\.preview\.example\.com \(release 1, abc1234\)\./,
    );
    expect(previewComment({ ...preview, environmentUrl: undefined } as ReleaseReport)).toMatch(
      / is live \(release 1/,
    );
  });

  it('parentOf drops the -pr-<n> suffix unless the parent is given', () => {
    expect(parentOf({ service: 'web-pr-7', pullRequest: 7 })).toBe('web');
    expect(parentOf({ service: 'a-very-long-nam-pr-7', pullRequest: 7, parent: 'a-very-long-name' })).toBe(
      'a-very-long-name',
    );
    expect(parentOf({ service: 'web', pullRequest: 7 })).toBe('web');
  });
});
