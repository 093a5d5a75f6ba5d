import type { Release } from '@cite/model';
import { exampleDomain, exampleRelease, exampleService } from '@cite/model/testing';
import { ConflictError, InputError, NotFoundError, UnavailableError } from '@cite/errors';
import {
  decideRelease,
  failureOfAttempt,
  planAutoRollback,
  autoRollback,
  releasedByDeletion,
  rollbackTarget,
  supersedableWithoutLock,
} from './decide';

const service = exampleService({ name: 'web' });
const release = (number: number, overrides: Partial<Release> = {}): Release =>
  exampleRelease({ service: 'web', number, image: `registry.local:5000/shop/web:v${number}`, ...overrides });

describe('decideRelease', () => {
  it.each<[string, Release, Release | null, string, boolean | undefined]>([
    ['the newest pending release deploys', release(3), release(3), 'deploy', false],
    [
      'an interrupted (in_progress) release resumes',
      release(3, { status: 'in_progress' }),
      release(3),
      'deploy',
      true,
    ],
    ['a succeeded release is skipped', release(3, { status: 'succeeded' }), release(3), 'skip', undefined],
    ['a failed release is skipped', release(3, { status: 'failed' }), release(4), 'skip', undefined],
    ['a superseded release is skipped', release(3, { status: 'superseded' }), release(4), 'skip', undefined],
    ['a newer pending release supersedes', release(3), release(4), 'supersede', undefined],
    [
      'a newer succeeded release supersedes',
      release(3),
      release(5, { status: 'succeeded' }),
      'supersede',
      undefined,
    ],
    [
      'a newer failed release still supersedes',
      release(3),
      release(4, { status: 'failed' }),
      'supersede',
      undefined,
    ],
    [
      'a newer release supersedes an interrupted one',
      release(3, { status: 'in_progress' }),
      release(4),
      'supersede',
      undefined,
    ],
  ])('%s', (_, subject, newest, action, resume) => {
    const decision = decideRelease({ release: subject, service, newest });
    expect(decision.action).toBe(action);
    if (decision.action === 'deploy') expect(decision.resume).toBe(resume);
  });

  it('supersedes releases of a service being deleted, or gone', () => {
    expect(
      decideRelease({ release: release(3), service: { ...service, state: 'deleting' }, newest: release(3) }),
    ).toEqual({
      action: 'supersede',
      message: 'service web is deleting; release 3 not applied',
    });
    expect(decideRelease({ release: release(3), service: null, newest: release(3) }).action).toBe(
      'supersede',
    );
  });

  it('says which release superseded', () => {
    expect(decideRelease({ release: release(3), service, newest: release(9) })).toEqual({
      action: 'supersede',
      message: 'superseded by release 9',
    });
  });

  it('supersedes without the lock only releases still pending', () => {
    expect(supersedableWithoutLock({ release: release(3), service, newest: release(4) })).toBe(true);
    expect(
      supersedableWithoutLock({
        release: release(3, { status: 'in_progress' }),
        service,
        newest: release(4),
      }),
    ).toBe(false);
    expect(supersedableWithoutLock({ release: release(4), service, newest: release(4) })).toBe(false);
  });
});

describe('rollbackTarget', () => {
  const history = [
    release(1, { status: 'succeeded' }),
    release(2, { status: 'succeeded' }),
    release(3, { status: 'failed' }),
    release(4, { status: 'superseded' }),
    release(5, { status: 'failed' }),
  ];

  it.each([
    [5, 2],
    [3, 2],
    [2, 1],
    [1, null],
  ])('before release %i → release %p', (before, target) => {
    expect(rollbackTarget(before, history)?.number ?? null).toBe(target);
  });

  it('does not depend on the order of the history', () => {
    expect(rollbackTarget(5, [...history].reverse())?.number).toBe(2);
  });
});

describe('planAutoRollback', () => {
  const failed = release(5, { status: 'failed', failureReason: 'ImagePullBackOff' });
  const history = [release(4, { status: 'succeeded' }), failed];

  it('rolls back to the last good release', () => {
    const plan = planAutoRollback({ failed, service, newest: failed, history });
    expect(plan.action === 'rollback' && plan.target.number).toBe(4);
  });

  it.each<[string, Parameters<typeof planAutoRollback>[0], RegExp]>([
    [
      'auto-rollback off',
      { failed, service: { ...service, autoRollback: false }, newest: failed, history },
      /off/,
    ],
    [
      'a failed rollback',
      { failed: { ...failed, cause: 'rollback', rollbackOf: 4 }, service, newest: failed, history },
      /not rolled back again/,
    ],
    ['a newer release queued', { failed, service, newest: release(6), history }, /release 6 is newer/],
    [
      'nothing succeeded before',
      { failed, service, newest: failed, history: [failed] },
      /nothing to roll back to/,
    ],
    [
      'service deleting',
      { failed, service: { ...service, state: 'deleting' }, newest: failed, history },
      /not active/,
    ],
  ])('does not roll back: %s', (_, input, why) => {
    const plan = planAutoRollback(input);
    expect(plan.action).toBe('none');
    expect(plan.action === 'none' && plan.message).toMatch(why);
  });
});

describe('autoRollback', () => {
  it("returns to the target's image, env, port and health check; replicas, resources and domains stay", () => {
    const target = release(4, {
      status: 'succeeded',
      digest: `sha256:${'a'.repeat(64)}`,
      config: {
        ...release(4).config,
        replicas: 5,
        port: 9090,
        env: [{ name: 'MODE', value: 'old' }],
        domains: ['old.example.com'],
      },
    });
    const failed = release(5, { status: 'failed', failureReason: 'CrashLoopBackOff' });
    const current = {
      ...service,
      replicas: 2,
      env: [{ name: 'MODE', value: 'new' }],
      domains: ['new.example.com'],
    };
    const { service: next, draft } = autoRollback(current, target, failed, new Date('2024-05-02T00:00:00Z'));
    expect(next).toMatchObject({
      replicas: 2,
      port: 9090,
      env: target.config.env,
      domains: ['new.example.com'],
    });
    expect(next.resources).toEqual(current.resources);
    expect(draft).toMatchObject({
      image: target.image,
      digest: target.digest,
      config: { replicas: 2, port: 9090, env: target.config.env, domains: ['new.example.com'] },
      cause: 'rollback',
      rollbackOf: 4,
      actor: 'system:deployer',
      status: 'pending',
      createdAt: '2024-05-02T00:00:00.000Z',
      message: 'automatic rollback to release 4: release 5 failed (CrashLoopBackOff)',
    });
    expect(next.env).not.toBe(target.config.env);
  });
});

describe('failureOfAttempt', () => {
  const early = { number: 2, isFinal: false };
  const last = { number: 20, isFinal: true };

  it('fails the release on a refused spec, at any attempt', () => {
    expect(failureOfAttempt(new InputError('spec.replicas: must be >= 0'), early)).toEqual({
      failureReason: 'InvalidSpec',
      message: 'the cluster refused the objects: spec.replicas: must be >= 0',
    });
  });

  it('retries transient errors, and gives up on the last attempt', () => {
    const down = new UnavailableError('kubernetes', 'cluster unreachable');
    expect(failureOfAttempt(down, early)).toBeNull();
    expect(failureOfAttempt(new ConflictError('raced'), early)).toBeNull();
    expect(failureOfAttempt(new Error('unknown'), early)).toBeNull();
    expect(failureOfAttempt(down, last)).toEqual({
      failureReason: 'RetriesExhausted',
      message: 'gave up after 20 attempts: cluster unreachable',
    });
  });

  it('fails the release on other permanent typed errors', () => {
    expect(failureOfAttempt(new NotFoundError('release web/3 not found'), early)).toEqual({
      failureReason: 'DeployError',
      message: 'release web/3 not found',
    });
  });
});

describe('releasedByDeletion', () => {
  it("lets go of the service's own domain records only, each guarded by its revision", () => {
    const record = (host: string, service: string, modRevision: number) => ({
      value: exampleDomain({ host, service }),
      modRevision,
    });
    const records = new Map([
      ['web.example.com', record('web.example.com', 'web', 7)],
      ['shop.example.com', record('shop.example.com', 'shop', 8)],
      ['gone.example.com', null],
    ]);
    expect(releasedByDeletion('web', records)).toEqual({
      claim: [],
      release: [{ host: 'web.example.com', modRevision: 7 }],
    });
    expect(releasedByDeletion('other', records)).toEqual({ claim: [], release: [] });
  });
});
