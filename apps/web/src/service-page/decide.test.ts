import type { Release } from '@cite/model';
import { describe, expect, it } from 'vitest';
import {
  autoRollbackAfter,
  deployBody,
  keyFor,
  newIdempotencyKey,
  releasesToFollow,
  rollbackChoice,
  runningRelease,
  splitFieldErrors,
} from './decide';

describe('running release', () => {
  it("is the service's current release, else the status endpoint's", () => {
    expect(runningRelease({ currentRelease: 4 }, 3)).toBe(4);
    expect(runningRelease({}, 3)).toBe(3);
    expect(runningRelease({}, null)).toBeUndefined();
  });
});

describe('rollback choice', () => {
  const context = { running: 5, serviceCreatedAt: '2026-01-01T00:00:00Z', state: 'active' as const };
  const release = (
    number: number,
    status: 'succeeded' | 'failed' | 'in_progress',
    createdAt = '2026-02-01T00:00:00Z',
  ) => ({
    number,
    status,
    createdAt,
  });

  it('offers a release that succeeded and is not running', () => {
    expect(rollbackChoice(release(3, 'succeeded'), context)).toEqual({ ok: true });
  });

  it('refuses the running release, one that did not succeed, and one of an earlier life', () => {
    expect(rollbackChoice(release(5, 'succeeded'), context)).toEqual({ ok: false, why: 'it is running' });
    expect(rollbackChoice(release(4, 'failed'), context).ok).toBe(false);
    expect(rollbackChoice(release(6, 'in_progress'), context).ok).toBe(false);
    expect(rollbackChoice(release(2, 'succeeded', '2025-12-01T00:00:00Z'), context)).toEqual({
      ok: false,
      why: 'it belongs to an earlier service of the same name',
    });
  });

  it('refuses everything while the service is being deleted', () => {
    expect(rollbackChoice(release(3, 'succeeded'), { ...context, state: 'deleting' })).toEqual({
      ok: false,
      why: 'the service is deleting',
    });
  });

  it('offers a newer succeeded release than the running one too (rolling forward again)', () => {
    expect(rollbackChoice(release(7, 'succeeded'), context).ok).toBe(true);
  });
});

describe('automatic rollback', () => {
  const base = { cause: 'deploy' as const, actor: 'user:ann', message: undefined, rollbackOf: undefined };

  it('finds the deployer rollback started after the failure', () => {
    expect(
      autoRollbackAfter(4, [
        {
          ...base,
          number: 5,
          cause: 'rollback',
          actor: 'system:deployer',
          rollbackOf: 2,
          message: 'automatic rollback to release 2: release 4 failed (ImagePullBackOff)',
        },
        { ...base, number: 4 },
        { ...base, number: 3 },
      ]),
    ).toEqual({ number: 5, to: 2 });
  });

  it('finds it by its message when the actor says nothing', () => {
    expect(
      autoRollbackAfter(4, [
        {
          ...base,
          number: 5,
          cause: 'rollback',
          actor: 'someone',
          rollbackOf: 2,
          message: 'automatic rollback to release 2: release 4 failed',
        },
      ]),
    ).toEqual({ number: 5, to: 2 });
  });

  it('does not take a manual rollback, an older release, or a rollback after another failure', () => {
    expect(
      autoRollbackAfter(4, [{ ...base, number: 5, cause: 'rollback', actor: 'user:ann', rollbackOf: 2 }]),
    ).toBeUndefined();
    expect(
      autoRollbackAfter(4, [
        { ...base, number: 3, cause: 'rollback', actor: 'system:deployer', rollbackOf: 2 },
      ]),
    ).toBeUndefined();
    expect(
      autoRollbackAfter(4, [
        {
          ...base,
          number: 6,
          cause: 'rollback',
          actor: 'user:x',
          message: 'automatic rollback to release 2: release 41 failed',
        },
      ]),
    ).toBeUndefined();
    expect(autoRollbackAfter(4, [{ ...base, number: 5 }])).toBeUndefined();
  });
});

describe('releases to follow', () => {
  type Status = 'pending' | 'in_progress' | 'succeeded' | 'failed';
  const r = (number: number, status: Status, extra: Partial<Release> = {}) => ({
    number,
    status,
    cause: 'deploy' as const,
    actor: 'user:ann',
    ...extra,
  });

  it('adds releases still running, oldest first', () => {
    expect(releasesToFollow([], [r(5, 'pending'), r(4, 'in_progress'), r(3, 'succeeded')])).toEqual([4, 5]);
  });

  it('follows nothing when nothing runs', () => {
    expect(releasesToFollow([], [r(3, 'succeeded'), r(2, 'failed')])).toEqual([]);
  });

  it('keeps following a release after it ended while it is the newest', () => {
    expect(releasesToFollow([4], [r(4, 'failed'), r(3, 'succeeded')])).toEqual([4]);
  });

  it('drops an ended release once a newer one starts', () => {
    expect(releasesToFollow([4], [r(4, 'succeeded')], { started: 5 })).toEqual([5]);
    expect(releasesToFollow([4, 5], [r(5, 'in_progress'), r(4, 'succeeded')])).toEqual([5]);
  });

  it('keeps a failed release next to the automatic rollback of it', () => {
    const releases = [
      r(5, 'pending', {
        cause: 'rollback',
        actor: 'system:deployer',
        rollbackOf: 3,
        message: 'automatic rollback to release 3: release 4 failed (ImagePullBackOff)',
      }),
      r(4, 'failed', { failureReason: 'ImagePullBackOff' }),
      r(3, 'succeeded'),
    ];
    expect(releasesToFollow([4], releases)).toEqual([4, 5]);
    const ended = releases.map((release) =>
      release.number === 5 ? { ...release, status: 'succeeded' as const } : release,
    );
    expect(releasesToFollow([4, 5], ended)).toEqual([4, 5]);
    // A manual release after it ends that.
    expect(releasesToFollow([4, 5], ended, { started: 6 })).toEqual([6]);
  });

  it('counts a release it has not read yet as running', () => {
    expect(releasesToFollow([5], [], { started: 6 })).toEqual([5, 6]);
  });

  it('drops the dismissed', () => {
    expect(releasesToFollow([3], [r(3, 'failed')], { dismissed: [3] })).toEqual([]);
    expect(releasesToFollow([], [r(3, 'pending')], { dismissed: [3] })).toEqual([]);
  });

  it('answers the same array when nothing changed (no needless render)', () => {
    const followed = [3, 4];
    expect(releasesToFollow(followed, [r(4, 'in_progress'), r(3, 'in_progress')])).toBe(followed);
  });
});

describe('deploy request', () => {
  it('trims, lower-cases the commit and leaves an empty one out', () => {
    expect(deployBody({ image: ' 1.4.2 ', gitSha: ' ABC1234 ' })).toEqual({
      image: '1.4.2',
      gitSha: 'abc1234',
    });
    expect(deployBody({ image: 'sha256:abc', gitSha: '  ' })).toEqual({ image: 'sha256:abc' });
  });

  it("puts the API's field errors next to their fields and keeps the rest", () => {
    const { byField, other } = splitFieldErrors(
      [
        { path: 'image', message: 'must be a tag' },
        { path: 'gitSha', message: 'must be 7-40 lowercase hex digits' },
        { path: 'image', message: 'is not allowed here' },
        { path: 'headers.idempotency-key', message: 'was already used' },
      ],
      ['image', 'gitSha'],
    );
    expect(byField).toEqual({
      image: 'must be a tag; is not allowed here',
      gitSha: 'must be 7-40 lowercase hex digits',
    });
    expect(other).toEqual([{ path: 'headers.idempotency-key', message: 'was already used' }]);
  });

  it('maps nested paths to their field', () => {
    expect(splitFieldErrors([{ path: 'to.x', message: 'm' }], ['to']).byField).toEqual({ to: 'm' });
    expect(splitFieldErrors([{ path: 'total', message: 'm' }], ['to']).other).toHaveLength(1);
  });
});

describe('idempotency keys', () => {
  it('are 32 hex digits, new each time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newIdempotencyKey()).not.toBe(a);
    expect(newIdempotencyKey((bytes) => bytes.fill(255))).toBe('f'.repeat(32));
  });

  it('are reused for a retry of the same body and renewed for a different one', () => {
    let n = 0;
    const make = () => `k${++n}`;
    const first = keyFor(undefined, { image: '1.0' }, make);
    expect(first.key).toBe('k1');
    expect(keyFor(first, { image: '1.0' }, make)).toBe(first);
    expect(keyFor(first, { image: '1.1' }, make).key).toBe('k2');
  });
});
