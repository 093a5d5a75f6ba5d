import { describe, expect, it } from 'vitest';
import {
  commitUrl,
  duration,
  imageLabel,
  pullRequestUrl,
  relativeTime,
  shortSha,
  statusClass,
  statusText,
} from './format';

describe('format', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('says how long ago', () => {
    expect(relativeTime('2026-03-01T11:59:55Z', now)).toBe('just now');
    expect(relativeTime('2026-03-01T11:59:15Z', now)).toBe('45 s ago');
    expect(relativeTime('2026-03-01T11:57:00Z', now)).toBe('3 min ago');
    expect(relativeTime('2026-03-01T09:30:00Z', now)).toBe('2 h ago');
    expect(relativeTime('2026-02-24T12:00:00Z', now)).toBe('5 d ago');
    expect(relativeTime('2025-12-01T12:00:00Z', now)).toBe('2025-12-01');
    expect(relativeTime('2026-03-01T12:02:00Z', now)).toBe('just now');
    expect(relativeTime('2026-03-01T12:00:40Z', now)).toBe('just now');
    expect(relativeTime('2026-03-01T12:10:00Z', now)).toBe('in 10 min');
    expect(relativeTime('garbage', now)).toBe('garbage');
  });

  it('says how long a release took', () => {
    expect(duration('2026-03-01T12:00:00Z', '2026-03-01T12:00:01.250Z')).toBe('1.3 s');
    expect(duration('2026-03-01T12:00:00Z', '2026-03-01T12:00:48Z')).toBe('48 s');
    expect(duration('2026-03-01T12:00:00Z', '2026-03-01T12:03:12Z')).toBe('3 min 12 s');
    expect(duration('2026-03-01T12:00:00Z', '2026-03-01T13:05:00Z')).toBe('1 h 5 min');
    expect(duration(undefined, '2026-03-01T13:05:00Z')).toBeUndefined();
    expect(duration('2026-03-01T13:05:00Z', '2026-03-01T12:00:00Z')).toBeUndefined();
  });

  it("names an image by its tag, or its digest's start", () => {
    expect(imageLabel('registry.local:5000/team/app:4f2a9c1')).toBe('4f2a9c1');
    expect(imageLabel('registry.local:5000/team/app:1.2@sha256:' + 'a'.repeat(64))).toBe('1.2');
    expect(imageLabel('registry.local:5000/team/app@sha256:' + '0123456789abcdef'.repeat(4))).toBe(
      'sha256:0123456789ab',
    );
    expect(imageLabel('registry.local:5000/team/app')).toBe('registry.local:5000/team/app');
  });

  it('links commits and pull requests only when the service has a repository', () => {
    expect(commitUrl('acme/web', 'abc1234def')).toBe('https://github.com/acme/web/commit/abc1234def');
    expect(commitUrl(undefined, 'abc1234')).toBeUndefined();
    expect(pullRequestUrl('acme/web', 12)).toBe('https://github.com/acme/web/pull/12');
    expect(pullRequestUrl(undefined, 12)).toBeUndefined();
    expect(shortSha('abc1234def5678')).toBe('abc1234');
  });

  it('colours and writes statuses', () => {
    expect(statusClass('succeeded')).toBe('status-ok');
    expect(statusClass('failed')).toBe('status-bad');
    expect(statusClass('in_progress')).toBe('status-warn');
    expect(statusClass('superseded')).toBe('muted');
    expect(statusText('in_progress')).toBe('in progress');
  });
});
