import { ConflictError, NotFoundError } from '@cite/errors';
import type { Release } from '@cite/model';
import { exampleRelease, exampleService } from '@cite/model/testing';
import {
  checkRollbackTarget,
  isDefaultRollbackTarget,
  noDefaultTarget,
  runningReleaseNumber,
} from './rollback';

const since = '2024-05-01T00:00:00Z';
const at = (number: number, status: Release['status'], createdAt = '2024-05-02T00:00:00Z') =>
  exampleRelease({ number, status, createdAt });

/** The default target among `history` (newest first), as the catalog scans it. */
function defaultTarget(history: Release[], running: number | undefined): number | null {
  return history.find((release) => isDefaultRollbackTarget(release, { running, since }))?.number ?? null;
}

describe('default rollback target', () => {
  it.each<[string, Release[], number | undefined, number | null]>([
    ['the previous success', [at(3, 'succeeded'), at(2, 'succeeded'), at(1, 'succeeded')], 3, 2],
    [
      'skipping failed and superseded ones',
      [at(5, 'succeeded'), at(4, 'failed'), at(3, 'superseded'), at(2, 'succeeded')],
      5,
      2,
    ],
    [
      'below the running one, not the newest',
      [at(6, 'failed'), at(5, 'pending'), at(4, 'succeeded'), at(3, 'succeeded')],
      4,
      3,
    ],
    ['nothing before the first success', [at(2, 'failed'), at(1, 'succeeded')], 1, null],
    ['nothing when nothing runs', [at(2, 'failed'), at(1, 'failed')], undefined, null],
    [
      'not into a previous life of the name',
      [at(2, 'succeeded'), at(1, 'succeeded', '2024-04-01T00:00:00Z')],
      2,
      null,
    ],
  ])('%s', (_case, history, running, expected) => {
    expect(defaultTarget(history, running)).toBe(expected);
  });

  it('explains why there is none', () => {
    expect(noDefaultTarget({ running: undefined, since }).message).toMatch(
      /no release of this service has succeeded/,
    );
    const error = noDefaultTarget({ running: 3, since });
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details).toEqual([{ path: 'to', message: expect.stringMatching(/before release 3/) }]);
  });
});

describe('checkRollbackTarget', () => {
  const context = { running: 3, since };
  it('accepts an earlier or later release that succeeded', () => {
    expect(checkRollbackTarget(1, at(1, 'succeeded'), context).number).toBe(1);
    expect(checkRollbackTarget(4, at(4, 'succeeded'), context).number).toBe(4);
  });

  it.each<[string, number, Release | null, typeof ConflictError | typeof NotFoundError, RegExp]>([
    ['missing', 9, null, NotFoundError, /not found/],
    ['failed', 2, at(2, 'failed'), ConflictError, /is failed/],
    ['pending', 2, at(2, 'pending'), ConflictError, /is pending/],
    ['running', 3, at(3, 'succeeded'), ConflictError, /already running/],
    ['from a previous life', 1, at(1, 'succeeded', '2024-01-01T00:00:00Z'), ConflictError, /earlier service/],
  ])('refuses a %s release at `to`', (_case, to, target, type, message) => {
    try {
      checkRollbackTarget(to, target, context);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(type);
      expect((error as ConflictError).message).toMatch(message);
      expect((error as ConflictError).details[0]?.path).toBe('to');
    }
  });
});

describe('runningReleaseNumber', () => {
  it('is the recorded current release, else the newest success', () => {
    expect(runningReleaseNumber(exampleService({ currentRelease: 4 }), at(6, 'succeeded'))).toBe(4);
    expect(runningReleaseNumber(exampleService(), at(6, 'succeeded'))).toBe(6);
    expect(runningReleaseNumber(exampleService(), null)).toBeUndefined();
  });
});
