import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import {
  atBottom,
  clockOf,
  filterLines,
  initialTail,
  parseLogEvent,
  parsePodsEvent,
  podChoices,
  podHue,
  shortPod,
  streamProblem,
  tailReducer,
  type RawLine,
  type TailState,
} from './log-model';

const line = (message: string, pod = 'web-abc-1'): RawLine => ({
  pod,
  container: 'app',
  time: '2025-01-01T12:00:00.123456789Z',
  message,
});
const lines = (count: number, prefix = 'line', pod?: string) =>
  Array.from({ length: count }, (_, index) => line(`${prefix} ${index + 1}`, pod));
const messages = (state: TailState) => state.lines.map((item) => item.message);

describe('tailReducer', () => {
  it('numbers lines as they come and keeps only the newest max', () => {
    let state = tailReducer(initialTail(5), { type: 'lines', lines: lines(3) });
    state = tailReducer(state, { type: 'lines', lines: lines(4, 'more') });
    expect(messages(state)).toEqual(['line 3', 'more 1', 'more 2', 'more 3', 'more 4']);
    expect(state.lines.map((item) => item.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(state.dropped).toBe(2);
  });

  it('while paused, holds the newest max lines apart, counts every one, and resumes with them', () => {
    let state = tailReducer(initialTail(4), { type: 'lines', lines: lines(2) });
    state = tailReducer(state, { type: 'pause' });
    state = tailReducer(state, { type: 'lines', lines: lines(6, 'held') });
    expect(messages(state)).toEqual(['line 1', 'line 2']);
    expect(state.heldCount).toBe(6);
    expect(state.held.map((item) => item.message)).toEqual(['held 3', 'held 4', 'held 5', 'held 6']);
    state = tailReducer(state, { type: 'resume' });
    expect(state.paused).toBe(false);
    expect(state.heldCount).toBe(0);
    expect(messages(state)).toEqual(['held 3', 'held 4', 'held 5', 'held 6']);
  });

  it('starts a fresh count on each pause, and pausing twice changes nothing', () => {
    let state = tailReducer(initialTail(), { type: 'pause' });
    state = tailReducer(state, { type: 'lines', lines: lines(2) });
    expect(tailReducer(state, { type: 'pause' })).toBe(state);
    state = tailReducer(tailReducer(state, { type: 'resume' }), { type: 'pause' });
    expect(state.heldCount).toBe(0);
    expect(tailReducer(initialTail(), { type: 'resume' }).paused).toBe(false);
  });

  it('clears the view and the buffer, keeping the pods and the numbering', () => {
    let state = tailReducer(initialTail(), { type: 'pods', pods: ['b', 'a'] });
    state = tailReducer(state, { type: 'lines', lines: lines(3) });
    state = tailReducer(state, { type: 'clear' });
    expect(state.lines).toEqual([]);
    expect(state.pods).toEqual(['a', 'b']);
    state = tailReducer(state, { type: 'lines', lines: lines(1) });
    expect(state.lines[0]?.seq).toBe(4);
  });
});

describe('reset', () => {
  it('forgets lines, pods and pausing, but never reuses a line number', () => {
    let state = tailReducer(initialTail(), { type: 'pods', pods: ['a'] });
    state = tailReducer(state, { type: 'lines', lines: lines(2) });
    state = tailReducer(state, { type: 'pause' });
    state = tailReducer(state, { type: 'reset' });
    expect(state).toMatchObject({ lines: [], pods: [], paused: false, heldCount: 0 });
    state = tailReducer(state, { type: 'lines', lines: lines(1) });
    expect(state.lines[0]?.seq).toBe(3);
  });
});

describe('filterLines', () => {
  const state = tailReducer(initialTail(), {
    type: 'lines',
    lines: [
      line('GET /health 200', 'web-1'),
      line('ERROR db timeout', 'web-2'),
      line('error: retry', 'web-1'),
    ],
  });
  it('matches a substring of the message in any case', () => {
    expect(filterLines(state.lines, { text: ' Error ' }).map((item) => item.message)).toEqual([
      'ERROR db timeout',
      'error: retry',
    ]);
  });
  it('narrows to one pod, with the text too', () => {
    expect(filterLines(state.lines, { text: '', pod: 'web-1' })).toHaveLength(2);
    expect(filterLines(state.lines, { text: 'error', pod: 'web-1' }).map((item) => item.message)).toEqual([
      'error: retry',
    ]);
    expect(filterLines(state.lines, { text: '' })).toHaveLength(3);
  });
});

describe('podChoices', () => {
  it('offers followed pods and pods whose lines are still shown or held', () => {
    let state = tailReducer(initialTail(), { type: 'pods', pods: ['web-2'] });
    state = tailReducer(state, { type: 'lines', lines: [line('x', 'web-1')] });
    state = tailReducer(state, { type: 'pause' });
    state = tailReducer(state, { type: 'lines', lines: [line('y', 'web-3')] });
    expect(podChoices(state)).toEqual(['web-1', 'web-2', 'web-3']);
  });
});

describe('pods and times', () => {
  it('gives a pod the same hue every time, and different pods mostly different ones', () => {
    expect(podHue('web-7d9f-x2k4p')).toBe(podHue('web-7d9f-x2k4p'));
    const hues = new Set(['web-a-1', 'web-a-2', 'web-a-3', 'web-b-1', 'web-b-2'].map(podHue));
    expect(hues.size).toBeGreaterThanOrEqual(4);
    for (const hue of hues) expect(hue).toBeGreaterThanOrEqual(0);
    for (const hue of hues) expect(hue).toBeLessThan(360);
  });

  it("shortens a pod's name by the service's prefix only", () => {
    expect(shortPod('web-7d9f-x2k4p', 'web')).toBe('7d9f-x2k4p');
    expect(shortPod('webapp-1', 'web')).toBe('webapp-1');
    expect(shortPod('web-', 'web')).toBe('web-');
  });

  it('shows a time of nine fraction digits as a local clock to the millisecond', () => {
    const date = new Date('2025-01-01T12:00:00.123Z');
    const pad = (value: number) => String(value).padStart(2, '0');
    expect(clockOf('2025-01-01T12:00:00.123456789Z')).toBe(
      `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.123`,
    );
    expect(clockOf('soon')).toBe('soon');
  });
});

describe('events', () => {
  it('reads log and pods events and refuses what is not one', () => {
    expect(parseLogEvent(JSON.stringify(line('hi')))).toEqual(line('hi'));
    expect(parseLogEvent('{"pod":"a"}')).toBeUndefined();
    expect(parseLogEvent('not json')).toBeUndefined();
    expect(parsePodsEvent('{"service":"web","pods":["a","b",3]}')).toEqual(['a', 'b']);
    expect(parsePodsEvent('{}')).toBeUndefined();
  });
});

describe('streamProblem', () => {
  it('stops on 501 and 429 with words of their own, and on another 4xx', () => {
    const none = streamProblem(new ApiError(501, 'not_configured', 'live logs need CITE_KUBECONFIG'));
    expect(none).toMatchObject({ status: 'unavailable', final: true });
    expect(none.message).toMatch(/no cluster configured.*CITE_KUBECONFIG/);
    const busy = streamProblem(
      new ApiError(429, 'too_many_requests', 'at most 5 live log streams per token; close one first'),
    );
    expect(busy).toMatchObject({ status: 'busy', final: true });
    expect(busy.message).toMatch(/Too many live log streams.*at most 5/);
    expect(streamProblem(new ApiError(404, 'not_found', 'service web not found'))).toMatchObject({
      status: 'failed',
      final: true,
    });
  });

  it('reconnects after a 5xx or a dropped connection', () => {
    expect(streamProblem(new ApiError(503, 'unavailable', 'etcd down'))).toMatchObject({
      status: 'reconnecting',
      final: false,
    });
    expect(streamProblem(new TypeError('network error'))).toMatchObject({
      status: 'reconnecting',
      final: false,
    });
  });
});

describe('atBottom', () => {
  it('is true at the end or within the slack, false once scrolled up', () => {
    expect(atBottom({ scrollTop: 600, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(atBottom({ scrollTop: 590, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(atBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
  });
});
