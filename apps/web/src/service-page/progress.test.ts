import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  initialProgress,
  parseReleaseEvent,
  progressOf,
  progressView,
  reduceProgress,
  rolloutFraction,
  type ProgressEvent,
  type ReleaseEventData,
} from './progress';

const status = (
  id: number,
  data: Partial<ReleaseEventData> & Pick<ReleaseEventData, 'status'>,
): ProgressEvent => ({
  kind: 'status',
  id,
  data: { number: 3, ...data },
});
const record = (
  id: number,
  message: string | null,
  extra: Partial<ReleaseEventData> = {},
): ProgressEvent => ({
  kind: 'progress',
  id,
  data: { number: 3, status: 'in_progress', message, ...extra },
});
const rollout = (id: number, updated: number, ready: number, desired = 3): ProgressEvent => ({
  kind: 'progress',
  id,
  data: {
    number: 3,
    status: 'in_progress',
    message: 'applying',
    replicas: { desired, updated, ready, available: ready },
  },
});
const done = (
  id: number,
  data: Partial<ReleaseEventData> & Pick<ReleaseEventData, 'status'>,
): ProgressEvent => ({
  kind: 'done',
  id,
  data: { number: 3, ...data },
});

describe('release progress', () => {
  it('starts queued with a sliver of the bar', () => {
    const view = progressOf(3, []);
    expect(view).toMatchObject({ phase: 'pending', label: 'Release 3 queued', done: false, failed: false });
    expect(view.percent).toBeGreaterThan(0);
    expect(view.percent).toBeLessThan(10);
  });

  it('takes a status event: in progress with the deployer message', () => {
    const view = progressOf(3, [status(10, { status: 'in_progress', message: 'applying' })]);
    expect(view).toMatchObject({ phase: 'applying', label: 'Release 3: applying', percent: 10, done: false });
  });

  it('takes a progress event with a new message', () => {
    const view = progressOf(3, [
      status(10, { status: 'in_progress', message: 'applying' }),
      record(11, 'image registry.local/web:1.2 found'),
    ]);
    expect(view.label).toBe('Release 3: image registry.local/web:1.2 found');
  });

  it('clears the message when a progress event says null', () => {
    const state = reduceProgress(initialProgress(3), [
      status(10, { status: 'in_progress', message: 'applying' }),
      record(11, null),
    ]);
    expect(state.message).toBeUndefined();
    expect(progressView(state).label).toBe('Release 3: starting');
  });

  it('moves the bar with the observed rollout and says how many pods are updated and ready', () => {
    const events = [status(10, { status: 'in_progress', message: 'applying' }), rollout(12, 1, 0)];
    const first = progressOf(3, events);
    expect(first.phase).toBe('rolling_out');
    expect(first.label).toBe('Release 3: 1 of 3 pods updated, 0 ready');
    expect(first.detail).toBe('applying');
    const later = progressOf(3, [...events, rollout(13, 3, 2)]);
    expect(later.label).toBe('Release 3: 3 of 3 pods updated, 2 ready');
    expect(later.percent).toBeGreaterThan(first.percent);
    expect(later.percent).toBeLessThan(100);
  });

  it('ends at 100 % on done with succeeded', () => {
    const view = progressOf(3, [
      status(10, { status: 'in_progress' }),
      rollout(12, 3, 3),
      status(14, { status: 'succeeded', message: 'rolled out 3/3' }),
      done(14, { status: 'succeeded', message: 'rolled out 3/3' }),
    ]);
    expect(view).toMatchObject({
      phase: 'succeeded',
      percent: 100,
      label: 'Release 3 succeeded',
      done: true,
      failed: false,
    });
  });

  it('ends on done alone (a client that missed the status event)', () => {
    expect(progressOf(3, [done(20, { status: 'succeeded' })])).toMatchObject({ done: true, percent: 100 });
  });

  it('shows the failure reason and keeps the bar where it stopped', () => {
    const view = progressOf(4, [
      { kind: 'status', id: 10, data: { number: 4, status: 'in_progress', message: 'applying' } },
      {
        kind: 'progress',
        id: 11,
        data: {
          number: 4,
          status: 'in_progress',
          message: null,
          replicas: { desired: 2, updated: 1, ready: 0, available: 0 },
        },
      },
      {
        kind: 'status',
        id: 15,
        data: {
          number: 4,
          status: 'failed',
          failureReason: 'ImagePullBackOff',
          message: 'pod web-1 cannot pull its image',
        },
      },
      {
        kind: 'done',
        id: 15,
        data: { number: 4, status: 'failed', failureReason: 'ImagePullBackOff' },
      },
    ]);
    expect(view).toMatchObject({
      phase: 'failed',
      label: 'Release 4 failed: ImagePullBackOff',
      detail: 'pod web-1 cannot pull its image',
      failureReason: 'ImagePullBackOff',
      done: true,
      failed: true,
    });
    expect(view.percent).toBeGreaterThan(10);
    expect(view.percent).toBeLessThan(100);
  });

  it('falls back to the message when a failure has no reason', () => {
    const view = progressOf(3, [done(9, { status: 'failed', message: 'service web is deleting' })]);
    expect(view.label).toBe('Release 3 failed: service web is deleting');
    expect(view.detail).toBeUndefined();
    expect(view.failureReason).toBeUndefined();
  });

  it('says when the deployer started an automatic rollback after the failure', () => {
    const view = progressOf(4, [
      {
        kind: 'done',
        id: 15,
        data: { number: 4, status: 'failed', failureReason: 'ProgressDeadlineExceeded' },
      },
      { kind: 'rollback', number: 5, to: 2 },
    ]);
    expect(view.label).toBe(
      'Release 4 failed: ProgressDeadlineExceeded — automatic rollback to release 2 started as release 5',
    );
    expect(view.rollback).toEqual({ number: 5, to: 2 });
  });

  it('keeps a rollback that was seen before the failure arrived', () => {
    const view = progressOf(4, [
      { kind: 'rollback', number: 5, to: 2 },
      { kind: 'done', id: 15, data: { number: 4, status: 'failed', failureReason: 'CrashLoopBackOff' } },
    ]);
    expect(view.label).toContain('automatic rollback to release 2 started as release 5');
  });

  it('ignores a rollback release that is not newer', () => {
    const state = applyEvent(initialProgress(4, { status: 'failed' }), {
      kind: 'rollback',
      number: 3,
      to: 2,
    });
    expect(state.rollback).toBeUndefined();
  });

  it('ends superseded without failing', () => {
    const view = progressOf(3, [
      status(10, { status: 'pending' }),
      done(11, { status: 'superseded', message: 'superseded by release 4' }),
    ]);
    expect(view).toMatchObject({
      phase: 'superseded',
      label: 'Release 3 superseded',
      detail: 'superseded by release 4',
      done: true,
      failed: false,
    });
  });

  it('ignores events of another release', () => {
    const state = applyEvent(initialProgress(3), {
      kind: 'done',
      id: 30,
      data: { number: 2, status: 'failed', failureReason: 'X' },
    });
    expect(state.status).toBe('pending');
  });

  it('never moves a release back: a late in_progress after the end changes nothing', () => {
    const events = [
      status(10, { status: 'in_progress' }),
      done(14, { status: 'succeeded' }),
      status(12, { status: 'in_progress', message: 'late' }),
      rollout(13, 1, 0),
    ];
    expect(progressOf(3, events)).toMatchObject({ phase: 'succeeded', percent: 100 });
  });

  it('keeps the first end: a different end afterwards is ignored', () => {
    const view = progressOf(3, [
      done(14, { status: 'failed', failureReason: 'ImagePullBackOff' }),
      done(15, { status: 'succeeded' }),
    ]);
    expect(view).toMatchObject({ phase: 'failed', label: 'Release 3 failed: ImagePullBackOff' });
  });

  it('does not go back from in_progress to pending', () => {
    const view = progressOf(3, [status(11, { status: 'in_progress' }), status(12, { status: 'pending' })]);
    expect(view.phase).toBe('applying');
  });

  it('drops an older record event that arrives after a newer one', () => {
    const view = progressOf(3, [
      status(10, { status: 'in_progress', message: 'applying' }),
      record(12, 'waiting for pods'),
      record(11, 'image found'),
    ]);
    expect(view.label).toBe('Release 3: waiting for pods');
  });

  it('drops an older rollout figure but takes rollout ids that are below the record ids', () => {
    // Rollout ids come from the observed status: they may be lower than the release record's.
    const events = [
      status(20, { status: 'in_progress', message: 'applying' }),
      rollout(15, 2, 1),
      rollout(14, 1, 0),
    ];
    expect(progressOf(3, events).label).toBe('Release 3: 2 of 3 pods updated, 1 ready');
  });

  it('does not let a rollout event put back an old message', () => {
    const view = progressOf(3, [
      status(10, { status: 'in_progress', message: 'applying' }),
      record(12, 'waiting for 3 pods'),
      {
        kind: 'progress',
        id: 13,
        data: {
          number: 3,
          status: 'in_progress',
          message: 'applying',
          replicas: { desired: 3, updated: 1, ready: 0, available: 0 },
        },
      },
    ]);
    expect(view.detail).toBe('waiting for 3 pods');
  });

  it('never shrinks the bar while the release runs, though the label follows the figures', () => {
    const high = progressOf(3, [status(10, { status: 'in_progress' }), rollout(12, 3, 3)]);
    const after = progressOf(3, [
      status(10, { status: 'in_progress' }),
      rollout(12, 3, 3),
      rollout(13, 3, 1),
    ]);
    expect(after.percent).toBe(high.percent);
    expect(after.label).toBe('Release 3: 3 of 3 pods updated, 1 ready');
  });

  it('is unchanged by a stream that resumes and repeats what it sent', () => {
    const first = [
      status(10, { status: 'in_progress', message: 'applying' }),
      rollout(11, 2, 1),
      status(14, { status: 'failed', failureReason: 'ImagePullBackOff', message: 'cannot pull' }),
      done(14, { status: 'failed', failureReason: 'ImagePullBackOff', message: 'cannot pull' }),
    ];
    // A reconnect with Last-Event-ID 14 gets `done` again; one from 11 gets status and done again.
    const resumed = [
      ...first,
      done(14, { status: 'failed', failureReason: 'ImagePullBackOff' }),
      ...first.slice(2),
    ];
    expect(progressOf(3, resumed)).toEqual(progressOf(3, first));
  });

  it('continues after a resume that starts where it left off', () => {
    const view = progressOf(3, [
      status(10, { status: 'in_progress', message: 'applying' }),
      rollout(11, 1, 0),
      // the connection dropped here; the resumed stream sends only what is new
      rollout(16, 3, 3),
      status(17, { status: 'succeeded' }),
      done(17, { status: 'succeeded' }),
    ]);
    expect(view).toMatchObject({ phase: 'succeeded', percent: 100, label: 'Release 3 succeeded' });
  });

  it('takes events without ids (nothing to compare) in order', () => {
    const view = progressOf(3, [
      { kind: 'status', data: { number: 3, status: 'in_progress', message: 'applying' } },
      { kind: 'done', data: { number: 3, status: 'succeeded' } },
    ]);
    expect(view.phase).toBe('succeeded');
  });

  it('fills a missing failure reason from a repeated end, without changing the end', () => {
    const state = reduceProgress(initialProgress(3, { status: 'failed' }), [
      done(20, { status: 'failed', failureReason: 'CrashLoopBackOff', message: 'container exits' }),
    ]);
    expect(progressView(state).label).toBe('Release 3 failed: CrashLoopBackOff');
  });

  it('starts from a known status (the releases list) before the stream says anything', () => {
    expect(progressOf(3, [], { status: 'in_progress', message: 'applying' }).label).toBe(
      'Release 3: applying',
    );
    expect(progressOf(3, [], { status: 'succeeded' })).toMatchObject({ done: true, percent: 100 });
  });

  it('counts a scale to zero as rolled out', () => {
    expect(rolloutFraction({ desired: 0, updated: 0, ready: 0, available: 0 })).toBe(1);
    expect(rolloutFraction({ desired: 4, updated: 2, ready: 4, available: 4 })).toBe(0.5);
    expect(rolloutFraction({ desired: 2, updated: 5, ready: 5, available: 5 })).toBe(1);
  });

  it('says "1 pod" for one replica', () => {
    expect(progressOf(3, [status(1, { status: 'in_progress' }), rollout(2, 0, 0, 1)]).label).toBe(
      'Release 3: 0 of 1 pod updated, 0 ready',
    );
  });
});

describe('parseReleaseEvent', () => {
  it('reads a status event carrying the whole release', () => {
    const release = {
      service: 'web',
      number: 3,
      status: 'in_progress',
      image: 'registry.local/web:1',
      message: 'applying',
      cause: 'deploy',
    };
    expect(parseReleaseEvent({ event: 'status', id: '41', data: JSON.stringify(release) })).toEqual({
      kind: 'status',
      id: 41,
      data: { number: 3, status: 'in_progress', message: 'applying' },
    });
  });

  it('reads a rollout progress event with its figures and a null message', () => {
    const data = {
      service: 'web',
      number: 3,
      status: 'in_progress',
      message: null,
      replicas: { desired: 3, updated: 1, ready: 0, available: 0 },
    };
    expect(parseReleaseEvent({ event: 'progress', id: '42', data: JSON.stringify(data) })).toEqual({
      kind: 'progress',
      id: 42,
      data: {
        number: 3,
        status: 'in_progress',
        message: null,
        replicas: { desired: 3, updated: 1, ready: 0, available: 0 },
      },
    });
  });

  it('reads a done event with its failure reason', () => {
    const data = { service: 'web', number: 4, status: 'failed', failureReason: 'ImagePullBackOff' };
    expect(parseReleaseEvent({ event: 'done', id: '50', data: JSON.stringify(data) })).toEqual({
      kind: 'done',
      id: 50,
      data: { number: 4, status: 'failed', failureReason: 'ImagePullBackOff' },
    });
  });

  it('drops what is not a release event', () => {
    expect(parseReleaseEvent({ event: 'log', id: '1', data: '{"seq":1}' })).toBeNull();
    expect(parseReleaseEvent({ data: '' })).toBeNull();
    expect(parseReleaseEvent({ event: 'status', data: 'not json' })).toBeNull();
    expect(parseReleaseEvent({ event: 'status', data: '{"number":"3","status":"failed"}' })).toBeNull();
    expect(parseReleaseEvent({ event: 'status', data: '{"number":3,"status":"exploded"}' })).toBeNull();
  });

  it('leaves out an id that is not a revision, and rollout figures that are incomplete', () => {
    expect(
      parseReleaseEvent({
        event: 'progress',
        id: 'abc',
        data: JSON.stringify({ number: 3, status: 'in_progress', replicas: { desired: 3 } }),
      }),
    ).toEqual({ kind: 'progress', data: { number: 3, status: 'in_progress' } });
  });
});
