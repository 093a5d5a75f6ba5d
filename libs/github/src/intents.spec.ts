import { createRequire } from 'node:module';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { previewName } from '@cite/model';
import { exampleService } from '@cite/model/testing';
import { parseGitHubEvent, type DeploymentEvent, type PullRequestEvent, type PushEvent } from './events';
import {
  branchOfRef,
  claimingServiceOf,
  decideDeployment,
  decidePullRequest,
  decidePush,
  describePing,
  type ClaimingService,
} from './intents';

type Payload<E extends 'push' | 'pull_request' | 'deployment' | 'ping'> = EmitterWebhookEvent<E>['payload'];

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: unknown[];
}[];

/** A fresh copy of GitHub's first documented example of `event` that `match` accepts. */
function example<E extends 'push' | 'pull_request' | 'deployment' | 'ping'>(
  event: E,
  match: (payload: Payload<E>) => boolean = () => true,
): Payload<E> {
  const all = structuredClone(definitions.find((candidate) => candidate.name === event)?.examples ?? []);
  for (const payload of all as Payload<E>[]) if (match(payload)) return payload;
  throw new Error(`no matching example of ${event}`);
}

const SHA_A = 'aaaaaaa1111111111111111111111111111111a1';
const SHA_B = 'bbbbbbb2222222222222222222222222222222b2';

/** GitHub's push to `refs/heads/master`, moved to `sha` committed at `timestamp`. */
function push(
  sha = SHA_A,
  timestamp = '2024-05-01T12:00:00Z',
  change: (p: Payload<'push'>) => void = () => {},
) {
  const payload = example('push', (candidate) => candidate.ref === 'refs/heads/master');
  payload.after = sha;
  payload.head_commit!.id = sha;
  payload.head_commit!.timestamp = timestamp;
  change(payload);
  return parseGitHubEvent('push', payload) as PushEvent;
}

function pullRequest(action: string, change: (p: Payload<'pull_request'>) => void = () => {}) {
  const payload = example('pull_request', (candidate) => candidate.action === 'opened');
  (payload as { action: string }).action = action;
  change(payload);
  return parseGitHubEvent('pull_request', payload) as PullRequestEvent;
}

function deployment(environment: string, change: (p: Payload<'deployment'>) => void = () => {}) {
  const payload = example('deployment', (candidate) => candidate.deployment.environment === 'production');
  payload.deployment.environment = environment;
  change(payload);
  return parseGitHubEvent('deployment', payload) as DeploymentEvent;
}

const service = (overrides: Partial<ClaimingService> = {}): ClaimingService => ({
  name: 'app',
  branch: 'master',
  autoDeploy: true,
  previews: true,
  image: 'registry.local:5000/team/app',
  tagTemplate: '{branch}-{sha7}',
  state: 'active',
  ...overrides,
});

describe('a push', () => {
  it("to the deploy branch deploys its head commit, tagged by the service's template", () => {
    expect(decidePush(push(), service(), null)).toEqual({
      kind: 'deploy',
      service: 'app',
      sha: SHA_A,
      image: 'registry.local:5000/team/app:master-aaaaaaa',
      branch: 'master',
      committedAt: '2024-05-01T12:00:00.000Z',
    });
  });

  it('of a newer commit replaces the latest release', () => {
    const latest = { gitSha: SHA_B, gitCommittedAt: '2024-05-01T11:59:59Z' };
    expect(decidePush(push(SHA_A, '2024-05-01T12:00:00Z'), service(), latest)).toMatchObject({
      kind: 'deploy',
    });
  });

  it('of a commit made at the same instant as the latest release still deploys (only older ones are stale)', () => {
    const latest = { gitSha: SHA_B, gitCommittedAt: '2024-05-01T14:00:00+02:00' };
    expect(decidePush(push(SHA_A, '2024-05-01T12:00:00Z'), service(), latest)).toMatchObject({
      kind: 'deploy',
    });
  });

  it('of the commit already released is ignored', () => {
    const latest = { gitSha: SHA_A, gitCommittedAt: '2024-05-01T12:00:00Z' };
    expect(decidePush(push(SHA_A), service(), latest)).toEqual({
      kind: 'ignore',
      reason: 'aaaaaaa is already released',
    });
  });

  it('of an older commit (a late delivery, a forced push back) never rolls the service back', () => {
    // Instants, not strings: 13:00+02:00 is 11:00Z, older than 12:00Z although it sorts after it as text.
    const latest = { gitSha: SHA_B, gitCommittedAt: '2024-05-01T12:00:00Z' };
    const older = push(SHA_A, '2024-05-01T13:00:00+02:00', (p) => (p.forced = true));
    expect(decidePush(older, service(), latest)).toEqual({
      kind: 'ignore',
      reason: 'aaaaaaa is older than the running release (bbbbbbb, committed 2024-05-01T12:00:00Z)',
    });
  });

  it('deploys when the latest release has no commit time to compare with', () => {
    expect(decidePush(push(), service(), { gitSha: SHA_B })).toMatchObject({ kind: 'deploy' });
    expect(decidePush(push(), service(), {})).toMatchObject({ kind: 'deploy' });
  });

  it('without a head commit is not deployed over a release it cannot be ordered against', () => {
    const headless = push(SHA_A, undefined, (p) => (p.head_commit = null));
    const latest = { gitSha: SHA_B, gitCommittedAt: '2024-05-01T12:00:00Z' };
    expect(decidePush(headless, service(), latest)).toMatchObject({
      kind: 'ignore',
      reason: expect.stringMatching(/^cannot tell whether aaaaaaa is newer/),
    });
    expect(decidePush(headless, service(), null)).toEqual(
      expect.objectContaining({ kind: 'deploy', sha: SHA_A }),
    );
    expect(decidePush(headless, service(), null)).not.toHaveProperty('committedAt');
  });

  it('to a tag, or to a branch nobody deploys, is ignored', () => {
    const tag = parseGitHubEvent(
      'push',
      example('push', (p) => p.ref.startsWith('refs/tags/') && !p.deleted),
    ) as PushEvent;
    expect(decidePush(tag, service(), null)).toEqual({
      kind: 'ignore',
      reason: 'refs/tags/simple-tag is not a branch',
    });
    expect(decidePush(push(), null, null)).toEqual({
      kind: 'ignore',
      reason: 'no service deploys codertocat/hello-world branch master',
    });
    expect(decidePush(push(), service({ branch: 'main' }), null)).toMatchObject({
      kind: 'ignore',
      reason: 'app deploys branch main, not master',
    });
  });

  it('deleting the branch is ignored', () => {
    const deleted = push(SHA_A, undefined, (p) => {
      p.deleted = true;
      p.after = '0000000000000000000000000000000000000000';
      p.head_commit = null;
    });
    expect(decidePush(deleted, service(), null)).toEqual({ kind: 'ignore', reason: 'branch master deleted' });
  });

  it('to a service being deleted, or with autoDeploy off, is ignored', () => {
    expect(decidePush(push(), service({ state: 'deleting' }), null)).toEqual({
      kind: 'ignore',
      reason: 'app is deleting',
    });
    expect(decidePush(push(), service({ autoDeploy: false }), null)).toEqual({
      kind: 'ignore',
      reason: 'autoDeploy is off for app',
    });
  });

  it('is ignored when the template makes no valid tag of the branch', () => {
    const long = 'b'.repeat(120);
    const event = push(SHA_A, undefined, (p) => (p.ref = `refs/heads/${long}`));
    const intent = decidePush(event, service({ branch: long, tagTemplate: '{branch}-{sha}' }), null);
    expect(intent).toMatchObject({
      kind: 'ignore',
      reason: expect.stringMatching(/makes no valid image tag/),
    });
  });
});

describe('a pull request', () => {
  const counts = { existing: false, count: 0, limit: 3 };

  it.each(['opened', 'reopened', 'synchronize'])('%s gets a preview of its head commit', (action) => {
    expect(decidePullRequest(pullRequest(action), service(), counts)).toEqual({
      kind: 'preview',
      parent: 'app',
      name: 'app-pr-2',
      number: 2,
      sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      image: 'registry.local:5000/team/app:changes-ec26c3e',
      branch: 'changes',
    });
  });

  it('names the preview within 63 characters for a long parent name', () => {
    const parent = service({ name: `a${'-b'.repeat(31)}` });
    const intent = decidePullRequest(pullRequest('opened'), parent, counts);
    expect(intent).toMatchObject({ kind: 'preview', name: previewName(parent.name, 2) });
    expect(intent.kind === 'preview' && intent.name.length).toBeLessThanOrEqual(63);
  });

  it('is refused a new preview at the limit, but an existing preview keeps updating', () => {
    expect(
      decidePullRequest(pullRequest('opened'), service(), { existing: false, count: 3, limit: 3 }),
    ).toEqual({
      kind: 'ignore',
      reason: 'preview limit of 3 reached for app',
    });
    expect(
      decidePullRequest(pullRequest('synchronize'), service(), { existing: true, count: 3, limit: 3 }),
    ).toMatchObject({ kind: 'preview' });
  });

  it.each([false, true])('closed (merged: %s) removes its preview', (merged) => {
    const closed = pullRequest('closed', (p) => ((p.pull_request as { merged: boolean }).merged = merged));
    expect(decidePullRequest(closed, service(), { ...counts, existing: true })).toEqual({
      kind: 'remove-preview',
      parent: 'app',
      name: 'app-pr-2',
      number: 2,
    });
  });

  it('closed without a preview needs nothing; closed after previews were turned off still removes one', () => {
    expect(decidePullRequest(pullRequest('closed'), service(), counts)).toEqual({
      kind: 'ignore',
      reason: 'no preview to remove for pull request #2',
    });
    expect(
      decidePullRequest(pullRequest('closed'), service({ previews: false }), { ...counts, existing: true }),
    ).toMatchObject({ kind: 'remove-preview' });
  });

  it('is ignored when previews are off, the parent is going, or nobody deploys its base branch', () => {
    expect(decidePullRequest(pullRequest('opened'), service({ previews: false }), counts)).toEqual({
      kind: 'ignore',
      reason: 'previews are off for app',
    });
    expect(decidePullRequest(pullRequest('opened'), service({ state: 'deleting' }), counts)).toEqual({
      kind: 'ignore',
      reason: 'app is deleting',
    });
    expect(decidePullRequest(pullRequest('opened'), null, counts)).toEqual({
      kind: 'ignore',
      reason: 'no service deploys codertocat/hello-world branch master',
    });
  });

  it.each(['labeled', 'edited', 'assigned'])('%s needs nothing', (action) => {
    expect(decidePullRequest(pullRequest(action), service(), counts)).toEqual({
      kind: 'ignore',
      reason: `action ${action} needs nothing`,
    });
  });
});

describe('a GitHub deployment', () => {
  const none = () => null;

  it('to production deploys its sha to the service deploying its ref', () => {
    const claiming = [service({ name: 'web', branch: 'develop' }), service({ name: 'app' })];
    expect(decideDeployment(deployment('production'), claiming, none)).toEqual({
      kind: 'deploy',
      service: 'app',
      sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      image: 'registry.local:5000/team/app:master-f95f852',
      environment: 'production',
      deploymentId: 145988746,
    });
  });

  it('to production of another ref goes to the only claiming service, and is ambiguous among several', () => {
    const onTag = deployment('production', (p) => (p.deployment.ref = 'v1.2.0'));
    expect(decideDeployment(onTag, [service()], none)).toMatchObject({
      kind: 'deploy',
      service: 'app',
      image: 'registry.local:5000/team/app:v1.2.0-f95f852',
    });
    const two = [service(), service({ name: 'web', branch: 'develop' })];
    expect(decideDeployment(onTag, two, none)).toEqual({
      kind: 'ignore',
      reason: 'ambiguous: codertocat/hello-world is deployed by app, web, and none deploys v1.2.0',
    });
  });

  it("to pr-<n> deploys to that pull request's preview", () => {
    const asked: [string, number][] = [];
    const preview = service({ name: 'app-pr-7', previews: false });
    const previewOf = (parent: string, number: number) => {
      asked.push([parent, number]);
      return parent === 'app' && number === 7 ? preview : null;
    };
    const claiming = [service(), service({ name: 'web', branch: 'develop' })];
    expect(decideDeployment(deployment('pr-7'), claiming, previewOf)).toMatchObject({
      kind: 'deploy',
      service: 'app-pr-7',
      environment: 'pr-7',
    });
    expect(asked).toEqual([
      ['app', 7],
      ['web', 7],
    ]);
    expect(decideDeployment(deployment('pr-8'), claiming, previewOf)).toEqual({
      kind: 'ignore',
      reason: 'no preview for pull request #8',
    });
  });

  it('to an environment cite does not know, or of a repository nobody deploys, is ignored', () => {
    const pages = parseGitHubEvent(
      'deployment',
      example('deployment', (p) => p.deployment.environment === 'github-pages'),
    ) as DeploymentEvent;
    expect(decideDeployment(pages, [service()], none)).toEqual({
      kind: 'ignore',
      reason: 'environment github-pages is not one cite deploys (production or pr-<n>)',
    });
    expect(decideDeployment(deployment('pr-0'), [service()], none)).toMatchObject({ kind: 'ignore' });
    expect(decideDeployment(deployment('production'), [], none)).toEqual({
      kind: 'ignore',
      reason: 'no service deploys codertocat/hello-world',
    });
  });

  it('to a service being deleted is ignored', () => {
    expect(decideDeployment(deployment('production'), [service({ state: 'deleting' })], none)).toEqual({
      kind: 'ignore',
      reason: 'app is deleting',
    });
  });

  it('made by cite itself (reporting a release) is not deployed again', () => {
    const own = deployment('production', (p) => (p.deployment.creator!.login = 'cite-app[bot]'));
    expect(decideDeployment(own, [service()], none, { ignoreCreators: ['Cite-App[bot]'] })).toEqual({
      kind: 'ignore',
      reason: 'deployment 145988746 was created by cite itself',
    });
    expect(decideDeployment(own, [service()], none, { ignoreCreators: ['someone-else'] })).toMatchObject({
      kind: 'deploy',
    });
  });
});

describe('a ping', () => {
  it('names the services the repository drives', () => {
    const ping = parseGitHubEvent(
      'ping',
      example('ping', (p) => p.repository !== undefined),
    );
    if (ping.kind !== 'ping') throw new Error('expected a ping');
    expect(describePing(ping, ['web', 'app', 'web'])).toEqual({
      services: ['app', 'web'],
      message: 'pong: octocoders/hello-world is deployed by app, web',
    });
    expect(describePing(ping, [])).toEqual({
      services: [],
      message: 'pong: no service deploys octocoders/hello-world yet',
    });
  });

  it("from an organization's hook says cite acts on repositories", () => {
    const ping = parseGitHubEvent(
      'ping',
      example('ping', (p) => p.repository === undefined),
    );
    if (ping.kind !== 'ping') throw new Error('expected a ping');
    expect(describePing(ping, []).message).toMatch(/names no repository/);
  });
});

describe('helpers', () => {
  it('read the branch of a ref', () => {
    expect(branchOfRef('refs/heads/feature/login')).toBe('feature/login');
    expect(branchOfRef('refs/tags/v1')).toBeNull();
    expect(branchOfRef('refs/heads/')).toBeNull();
  });

  it("take a stored service's deploy policy", () => {
    const stored = exampleService({
      state: 'deleting',
      deployPolicy: { branch: 'release', autoDeploy: false, previews: true, tagTemplate: '{sha7}' },
    });
    expect(claimingServiceOf(stored)).toEqual({
      name: 'payments-api',
      branch: 'release',
      autoDeploy: false,
      previews: true,
      image: 'registry.local:5000/payments/payments-api',
      tagTemplate: '{sha7}',
      state: 'deleting',
    });
  });
});
