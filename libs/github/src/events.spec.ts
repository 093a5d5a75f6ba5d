import { createRequire } from 'node:module';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { InputError } from '@cite/errors';
import { parseGitHubEvent } from './events';

type Payload<E extends 'push' | 'pull_request' | 'deployment' | 'ping' | 'issues'> =
  EmitterWebhookEvent<E>['payload'];

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: unknown[];
}[];

/** Fresh copies of GitHub's documented example payloads of `event`, to modify freely. */
function examples<E extends 'push' | 'pull_request' | 'deployment' | 'ping' | 'issues'>(
  event: E,
): Payload<E>[] {
  const definition = definitions.find((candidate) => candidate.name === event);
  if (!definition || definition.examples.length === 0) throw new Error(`no examples of ${event}`);
  return structuredClone(definition.examples) as Payload<E>[];
}

/** The first example of `event` that `match` accepts. */
function example<E extends 'push' | 'pull_request' | 'deployment' | 'ping' | 'issues'>(
  event: E,
  match: (payload: Payload<E>) => boolean = () => true,
): Payload<E> {
  for (const payload of examples(event)) if (match(payload)) return payload;
  throw new Error(`no matching example of ${event}`);
}

/** The InputError `parse` throws, for its details. */
function inputError(parse: () => unknown): InputError {
  try {
    parse();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const branchPush = () => example('push', (payload) => payload.ref === 'refs/heads/master');

describe('push events', () => {
  it('keep the ref, commits, head commit and pusher, with the repository lowercased', () => {
    expect(parseGitHubEvent('push', branchPush())).toEqual({
      kind: 'push',
      repo: 'codertocat/hello-world',
      ref: 'refs/heads/master',
      before: '0000000000000000000000000000000000000000',
      after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      deleted: false,
      forced: false,
      created: true,
      headCommit: { id: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', timestamp: '2019-05-15T15:19:25.000Z' },
      pusher: 'Codertocat',
    });
  });

  it('normalize the head commit time to UTC, so that times from different zones compare', () => {
    const payload = branchPush();
    payload.head_commit!.timestamp = '2024-05-01T14:00:00+02:00';
    expect(parseGitHubEvent('push', payload)).toMatchObject({
      headCommit: { timestamp: '2024-05-01T12:00:00.000Z' },
    });
  });

  it('carry no head commit when a ref is deleted', () => {
    const deleted = example('push', (payload) => payload.deleted);
    expect(parseGitHubEvent('push', deleted)).toMatchObject({
      ref: 'refs/tags/simple-tag',
      deleted: true,
      after: '0000000000000000000000000000000000000000',
      headCommit: null,
    });
  });

  it('accept every documented example', () => {
    for (const payload of examples('push')) expect(parseGitHubEvent('push', payload).kind).toBe('push');
  });

  it('refuse a malformed field with its JSON path', () => {
    const payload = branchPush();
    payload.after = 'HEAD';
    payload.head_commit!.timestamp = 'yesterday';
    const error = inputError(() => parseGitHubEvent('push', payload));
    expect(error.details.map((detail) => detail.path)).toEqual(['after', 'head_commit.timestamp']);
    expect(error.message).toMatch(/^push payload is invalid: after: /);
  });

  it('refuse a missing repository, and one that is not owner/name', () => {
    const missing = branchPush() as Partial<Payload<'push'>>;
    delete missing.repository;
    expect(inputError(() => parseGitHubEvent('push', missing)).details).toEqual([
      { path: 'repository', message: expect.any(String) },
    ]);
    const bad = branchPush();
    bad.repository.full_name = 'not a repo';
    expect(inputError(() => parseGitHubEvent('push', bad)).details[0]?.path).toBe('repository.full_name');
  });

  it('refuse a body that is not an object, at the root', () => {
    expect(inputError(() => parseGitHubEvent('push', 'push')).details).toEqual([
      { path: '', message: expect.any(String) },
    ]);
  });
});

describe('pull_request events', () => {
  it('keep the action, number, head and base', () => {
    const opened = example('pull_request', (payload) => payload.action === 'opened');
    expect(parseGitHubEvent('pull_request', opened)).toEqual({
      kind: 'pull_request',
      action: 'opened',
      repo: 'codertocat/hello-world',
      number: 2,
      headRef: 'changes',
      headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      baseRef: 'master',
      merged: false,
      sender: 'Codertocat',
    });
  });

  it('say whether a closed pull request was merged', () => {
    const closed = example('pull_request', (payload) => payload.action === 'closed');
    (closed.pull_request as { merged: boolean | null }).merged = true;
    expect(parseGitHubEvent('pull_request', closed)).toMatchObject({ action: 'closed', merged: true });
  });

  it('accept every documented example, whatever the action', () => {
    const actions = examples('pull_request').map((payload) => parseGitHubEvent('pull_request', payload));
    expect(new Set(actions.map((event) => event.kind))).toEqual(new Set(['pull_request']));
    expect(actions.length).toBeGreaterThan(20);
  });

  it('refuse a head sha that is not a commit, with its path', () => {
    const opened = example('pull_request', (payload) => payload.action === 'opened');
    opened.pull_request.head.sha = 'ec26c3e';
    expect(inputError(() => parseGitHubEvent('pull_request', opened)).details).toEqual([
      { path: 'pull_request.head.sha', message: 'must be a 40-digit lowercase hex commit sha' },
    ]);
  });
});

describe('deployment events', () => {
  it('keep the id, ref, sha, environment and creator', () => {
    expect(parseGitHubEvent('deployment', example('deployment'))).toEqual({
      kind: 'deployment',
      repo: 'codertocat/hello-world',
      deploymentId: 145988746,
      ref: 'master',
      sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      environment: 'production',
      task: 'deploy',
      creator: 'Codertocat',
    });
  });

  it('keep the task, so cite knows the deployments it made itself', () => {
    const payload = example('deployment');
    (payload.deployment as { task: unknown }).task = 'cite:report';
    expect(parseGitHubEvent('deployment', payload)).toMatchObject({ task: 'cite:report' });
  });

  it('name the sender when GitHub names no creator', () => {
    const payload = example('deployment');
    (payload.deployment as { creator: unknown }).creator = null;
    payload.sender.login = 'hubot';
    expect(parseGitHubEvent('deployment', payload)).toMatchObject({ creator: 'hubot' });
  });

  it('accept every documented example', () => {
    for (const payload of examples('deployment'))
      expect(parseGitHubEvent('deployment', payload).kind).toBe('deployment');
    for (const payload of examples('ping')) expect(parseGitHubEvent('ping', payload).kind).toBe('ping');
  });

  it('refuse a deployment without an id', () => {
    const payload = example('deployment');
    (payload.deployment as { id: unknown }).id = '145988746';
    expect(inputError(() => parseGitHubEvent('deployment', payload)).details[0]?.path).toBe('deployment.id');
  });
});

describe('ping events', () => {
  it("name the repository and the hook for a repository's hook", () => {
    const ping = example('ping', (payload) => payload.repository !== undefined);
    expect(parseGitHubEvent('ping', ping)).toEqual({
      kind: 'ping',
      repo: 'octocoders/hello-world',
      zen: 'Anything added dilutes everything else.',
      hookId: 109948940,
    });
  });

  it("name no repository for an organization's hook", () => {
    const ping = example('ping', (payload) => payload.repository === undefined);
    const event = parseGitHubEvent('ping', ping);
    expect(event).toMatchObject({ kind: 'ping', hookId: 109948940 });
    expect(event).not.toHaveProperty('repo');
  });
});

describe('other events', () => {
  it('are kept by name with their repository, never refused', () => {
    expect(parseGitHubEvent('issues', example('issues'))).toEqual({
      kind: 'other',
      event: 'issues',
      repo: 'codertocat/hello-world',
    });
    expect(parseGitHubEvent('star', null)).toEqual({ kind: 'other', event: 'star' });
  });

  it('need an event name', () => {
    expect(inputError(() => parseGitHubEvent('', example('issues'))).details).toEqual([
      { path: 'X-GitHub-Event', message: 'must be non-empty' },
    ]);
  });
});
