import type { PodStatus } from '@cite/model';
import {
  comparePositions,
  firstRead,
  FollowedPods,
  formatEventId,
  LogMerge,
  logTailQuery,
  logTimeOf,
  parseEventId,
  parseLogLine,
  PodLines,
  podsToFollow,
  secondFloor,
  StreamCounter,
  type LogPosition,
  type TailLine,
} from './log-tail';

const T = (fraction: string) => `2026-03-04T05:06:07.${fraction.padEnd(9, '0')}Z`;

describe('parseLogLine', () => {
  it.each([
    ['2026-03-04T05:06:07.123456789Z hello world', T('123456789'), 'hello world'],
    // Go trims trailing zeros of RFC3339Nano; the time is padded back so text order is time order.
    ['2026-03-04T05:06:07.12Z x', T('12'), 'x'],
    ['2026-03-04T05:06:07Z no fraction', T(''), 'no fraction'],
    ['2026-03-04T07:06:07.5+02:00 offset', T('5'), 'offset'],
    ['2026-03-04T05:06:07.1Z ', T('1'), ''],
    ['2026-03-04T05:06:07.1Z', T('1'), ''],
    ['2026-03-04T05:06:07.1Z  two spaces', T('1'), ' two spaces'],
  ])('%j', (raw, time, message) => {
    expect(parseLogLine(raw)).toEqual({ time, message });
  });

  it.each([
    'no timestamp',
    '2026-03-04 05:06:07Z space instead of T',
    '2026-02-30T05:06:07Z not a day',
    '2026-03-04T05:06:07.1234567891Z ten digits',
    '2026-03-04T05:06:07.1Zglued',
  ])('%j is no timestamped line', (raw) => {
    expect(parseLogLine(raw)).toBeNull();
  });
});

describe('event ids', () => {
  const position: LogPosition = { time: T('5'), pod: 'web-7d9f8-abcde', n: 3 };

  it('round-trip', () => {
    const id = formatEventId(position);
    expect(id).toBe('2026-03-04T05:06:07.500000000Z~web-7d9f8-abcde~3');
    expect(parseEventId(id)).toEqual(position);
  });

  it.each([
    '',
    '12',
    '2026-03-04T05:06:07.5Z~web~1',
    '2026-03-04T05:06:07.500000000Z~Web~1',
    '2026-03-04T05:06:07.500000000Z~web~-1',
    '2026-03-04T05:06:07.500000000Z~web',
    '2026-13-04T05:06:07.500000000Z~web~1',
    '2026-03-04T05:06:07.500000000Z~web~1~2',
  ])('%j is refused', (id) => {
    expect(parseEventId(id)).toBeNull();
  });

  it('order by time, then pod, then n', () => {
    const sorted: LogPosition[] = [
      { time: T('1'), pod: 'b', n: 5 },
      { time: T('2'), pod: 'a', n: 0 },
      { time: T('2'), pod: 'a', n: 1 },
      { time: T('2'), pod: 'b', n: 0 },
      { time: T('3'), pod: 'a', n: 0 },
    ];
    const shuffled = [sorted[3]!, sorted[0]!, sorted[4]!, sorted[2]!, sorted[1]!];
    expect(shuffled.sort(comparePositions)).toEqual(sorted);
    expect(comparePositions(sorted[1]!, { ...sorted[1]! })).toBe(0);
  });

  it('second floors and clock times', () => {
    expect(secondFloor(T('999999999'))).toBe('2026-03-04T05:06:07Z');
    expect(logTimeOf(new Date('2026-03-04T05:06:07.250Z'))).toBe(T('25'));
  });
});

describe('PodLines', () => {
  it('numbers lines that share a time, and starts again at 0 for a new time', () => {
    const lines = new PodLines('a', undefined);
    expect([T('1'), T('1'), T('1'), T('2'), T('2'), T('3')].map((t) => lines.next(t)?.n)).toEqual([
      0, 1, 2, 0, 1, 0,
    ]);
  });

  it('drops lines at or before `after`, of its pod and (by order) of others', () => {
    const own = new PodLines('b', { time: T('2'), pod: 'b', n: 1 });
    expect([T('1'), T('2'), T('2'), T('2'), T('3')].map((t) => own.next(t))).toEqual([
      null,
      null,
      null,
      { time: T('2'), pod: 'b', n: 2 },
      { time: T('3'), pod: 'b', n: 0 },
    ]);
    // Another pod's line of the same time: `a` sorts before `b` (dropped), `c` after (kept).
    const before = new PodLines('a', { time: T('2'), pod: 'b', n: 1 });
    const after = new PodLines('c', { time: T('2'), pod: 'b', n: 1 });
    expect([before.next(T('2')), after.next(T('2'))]).toEqual([null, { time: T('2'), pod: 'c', n: 0 }]);
  });

  it('reopens from the second of the last line read and repeats none of it', () => {
    const lines = new PodLines('a', undefined);
    expect(lines.reopenFrom()).toBeUndefined();
    const first = [T('1'), T('5'), T('5')].map((t) => lines.next(t));
    expect(first.every((p) => p !== null)).toBe(true);
    expect(lines.reopenFrom()).toBe('2026-03-04T05:06:07Z');
    // The new stream starts at the second: the same lines again, then one more of the same time, then new.
    const again = [T('1'), T('5'), T('5'), T('5'), T('6')].map((t) => lines.next(t));
    expect(again).toEqual([
      null,
      null,
      null,
      { time: T('5'), pod: 'a', n: 2 },
      { time: T('6'), pod: 'a', n: 0 },
    ]);
  });

  it('reopens from the resume position while nothing newer was read', () => {
    const lines = new PodLines('a', { time: T('5'), pod: 'z', n: 0 });
    expect(lines.next(T('4'))).toBeNull();
    expect(lines.reopenFrom()).toBe('2026-03-04T05:06:07Z');
    expect(lines.next(T('5'))).toBeNull();
  });
});

const line = (pod: string, fraction: string, n = 0): TailLine => ({
  pod,
  container: 'app',
  time: T(fraction),
  message: `${pod} ${fraction} ${n}`,
  position: { time: T(fraction), pod, n },
});

describe('LogMerge', () => {
  it('takes a batch in order, each line with its id', () => {
    const merge = new LogMerge();
    merge.add(line('b', '2'));
    merge.add(line('a', '3'));
    merge.add(line('a', '1'));
    expect(merge.size).toBe(3);
    expect(merge.take().map((e) => e.id)).toEqual([
      formatEventId(line('a', '1').position),
      formatEventId(line('b', '2').position),
      formatEventId(line('a', '3').position),
    ]);
    expect(merge.size).toBe(0);
    expect(merge.take()).toEqual([]);
  });

  it('sends a line that arrives behind a later one without an id, so ids only go up', () => {
    const merge = new LogMerge();
    merge.add(line('a', '5'));
    merge.take();
    merge.add(line('b', '4'));
    merge.add(line('b', '6'));
    const [late, next] = merge.take();
    expect(late).toEqual({ line: line('b', '4') });
    expect(next?.id).toBe(formatEventId(line('b', '6').position));
  });

  it('gives no id at or before the resume position', () => {
    const merge = new LogMerge(line('b', '5').position);
    merge.add(line('a', '5'));
    merge.add(line('c', '5'));
    expect(merge.take().map((e) => e.id)).toEqual([undefined, formatEventId(line('c', '5').position)]);
  });
});

describe('podsToFollow', () => {
  const pod = (name: string, phase: PodStatus['phase'], node?: string): PodStatus => ({
    name,
    phase,
    ready: phase === 'Running',
    restarts: 0,
    ...(node ? { node } : {}),
  });
  const pods = [
    pod('web-c', 'Running', 'n1'),
    pod('web-a', 'Pending', 'n2'),
    pod('web-b', 'Pending'),
    pod('web-d', 'Succeeded', 'n1'),
    pod('web-e', 'Failed', 'n1'),
    pod('web-f', 'Unknown', 'n1'),
  ];

  it('Running, and Pending on a node (starting), sorted', () => {
    expect(podsToFollow(pods)).toEqual(['web-a', 'web-c']);
  });

  it('only the named pod', () => {
    expect(podsToFollow(pods, 'web-c')).toEqual(['web-c']);
    expect(podsToFollow(pods, 'web-b')).toEqual([]);
    expect(podsToFollow(pods, 'other')).toEqual([]);
  });
});

describe('FollowedPods', () => {
  it('starts the new pods and tells a change', () => {
    const followed = new FollowedPods();
    expect(followed.want(['a', 'b'])).toEqual({ start: ['a', 'b'], stop: [], changed: true });
    expect(followed.want(['a', 'b'])).toEqual({ start: [], stop: [], changed: false });
    expect(followed.want(['a', 'b', 'c'])).toEqual({ start: ['c'], stop: [], changed: true });
    expect(followed.list()).toEqual(['a', 'b', 'c']);
  });

  it('keeps a pod that left while its stream is open, and drops it when the stream ends', () => {
    const followed = new FollowedPods();
    followed.want(['a', 'b']);
    followed.streaming('a');
    expect(followed.want(['b'])).toEqual({ start: [], stop: [], changed: false });
    expect(followed.list()).toEqual(['a', 'b']);
    expect(followed.ended('a')).toEqual({ reopen: false, changed: true });
    expect(followed.list()).toEqual(['b']);
    expect(followed.has('a')).toBe(false);
  });

  it('drops at once a pod that left while no stream of it is open', () => {
    const followed = new FollowedPods();
    followed.want(['a', 'b']);
    followed.streaming('a');
    followed.ended('a');
    expect(followed.want(['b'])).toEqual({ start: [], stop: ['a'], changed: true });
    expect(followed.list()).toEqual(['b']);
  });

  it('reopens a pod the record still lists, and takes back one that returns before its stream ended', () => {
    const followed = new FollowedPods();
    followed.want(['a']);
    followed.streaming('a');
    expect(followed.ended('a')).toEqual({ reopen: true, changed: false });
    followed.streaming('a');
    followed.want([]);
    expect(followed.want(['a'])).toEqual({ start: [], stop: [], changed: false });
    expect(followed.ended('a')).toEqual({ reopen: true, changed: false });
    expect(followed.ended('unknown')).toEqual({ reopen: false, changed: false });
  });
});

describe('StreamCounter', () => {
  it('counts per key up to the limit; a release frees one place, once', () => {
    const counter = new StreamCounter(2);
    const first = counter.acquire('token:a');
    const second = counter.acquire('token:a');
    expect(first && second).toBeTruthy();
    expect(counter.acquire('token:a')).toBeUndefined();
    expect(counter.acquire('token:b')).toBeDefined();
    first!();
    first!();
    expect(counter.count('token:a')).toBe(1);
    expect(counter.acquire('token:a')).toBeDefined();
    expect(counter.acquire('token:a')).toBeUndefined();
  });
});

describe('logTailQuery', () => {
  it('reads each parameter', () => {
    expect(logTailQuery({})).toEqual({ follow: true, text: false });
    expect(
      logTailQuery({
        follow: 'false',
        tailLines: '0',
        sinceSeconds: '60',
        pod: 'web-7d9f8-abcde',
        container: 'app',
        format: 'text',
      }),
    ).toEqual({
      follow: false,
      text: true,
      tailLines: 0,
      sinceSeconds: 60,
      pod: 'web-7d9f8-abcde',
      container: 'app',
    });
  });

  it.each([
    [{ follow: 'yes' }, 'query.follow'],
    [{ tailLines: '-1' }, 'query.tailLines'],
    [{ tailLines: '10001' }, 'query.tailLines'],
    [{ tailLines: ['1', '2'] }, 'query.tailLines'],
    [{ sinceSeconds: '0' }, 'query.sinceSeconds'],
    [{ sinceSeconds: '1.5' }, 'query.sinceSeconds'],
    [{ pod: 'Web' }, 'query.pod'],
    [{ container: 'a/b' }, 'query.container'],
    [{ format: 'json' }, 'query.format'],
  ])('%j is a 400 at %s', (query, path) => {
    expect(() => logTailQuery(query)).toThrow(
      expect.objectContaining({ code: 'invalid_input', details: [expect.objectContaining({ path })] }),
    );
  });
});

describe('firstRead', () => {
  const startedAt = new Date('2026-03-04T05:06:07.800Z');

  it('the last ten lines by default, or what the client asks, for a pod there from the start', () => {
    expect(firstRead({}, { startedAt, late: false })).toEqual({ tailLines: '10' });
    expect(firstRead({ tailLines: 3, sinceSeconds: 30 }, { startedAt, late: false })).toEqual({
      tailLines: '3',
      sinceSeconds: '30',
    });
    expect(firstRead({ sinceSeconds: 30 }, { startedAt, late: false })).toEqual({ sinceSeconds: '30' });
  });

  it('everything since the stream began for a pod picked up later; from the resume second after an id', () => {
    expect(firstRead({ tailLines: 3 }, { startedAt, late: true })).toEqual({
      sinceTime: '2026-03-04T05:06:07Z',
    });
    const resume = { time: '2026-03-04T05:00:01.500000000Z', pod: 'a', n: 0 };
    expect(firstRead({ tailLines: 3 }, { resume, startedAt, late: false })).toEqual({
      sinceTime: '2026-03-04T05:00:01Z',
    });
  });
});
