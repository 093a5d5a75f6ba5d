import {
  AuthenticationError,
  ConflictError,
  CorruptValueError,
  InputError,
  NotFoundError,
  TimeoutError,
  UnavailableError,
} from '@cite/errors';
import { cappedBackoffMs } from './backoff';
import { classifyJobError, HandBackError, PermanentJobError } from './job-errors';

describe('cappedBackoffMs', () => {
  const policy = { baseMs: 1_000, maxMs: 30_000 };

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [5, 16_000],
    [6, 30_000],
    [50, 30_000],
  ])('retry %i waits at most %i ms and at least half of it', (attempt, ceiling) => {
    expect(cappedBackoffMs(attempt, policy, () => 1)).toBe(ceiling);
    expect(cappedBackoffMs(attempt, policy, () => 0)).toBe(ceiling / 2);
  });
});

describe('classifyJobError', () => {
  it.each([
    [new UnavailableError('etcd', 'down'), 'transient'],
    [new TimeoutError('lock busy'), 'transient'],
    [new ConflictError('stale'), 'transient'],
    [new Error('socket hang up'), 'transient'],
    ['a string', 'transient'],
    [new PermanentJobError('no such release'), 'permanent'],
    [new NotFoundError('release web/3 not found'), 'permanent'],
    [new InputError('bad'), 'permanent'],
    [new CorruptValueError('/k', 'bad json'), 'permanent'],
    [new AuthenticationError('no token'), 'permanent'],
    [new HandBackError(), 'hand-back'],
  ])('%s is %s', (error, kind) => {
    expect(classifyJobError(error)).toBe(kind);
  });
});
