import type { AuditEntry } from '@cite/model';
import { describe, expect, it } from 'vitest';
import {
  actorLabel,
  auditQuery,
  DEFAULT_PAGE_SIZE,
  duringProblem,
  filtersFromSearch,
  filtersToSearch,
  targetHref,
  utcPrefix,
  utcTime,
} from './audit';

describe('duringProblem', () => {
  it.each([
    '',
    '2024',
    '2024-05',
    '2024-05-01',
    '2024-05-01T12',
    '2024-05-01T12:30',
    '2024-02-29',
    '2024-12-31T23:59',
  ])('accepts %j', (during) => expect(duringProblem(during)).toBeUndefined());

  it.each([
    ['24', /UTC time prefix/],
    ['2024-5', /UTC time prefix/],
    ['2024-05-01 12', /UTC time prefix/],
    ['2024-05-01T12:30:00', /UTC time prefix/],
    ['2024-13', /Month 13/],
    ['2024-00-01', /Month 00/],
    ['2023-02-29', /Day 29 is not 01–28 in 2023-02/],
    ['2024-04-31', /Day 31 is not 01–30/],
    ['2024-05-00', /Day 00/],
    ['2024-05-01T24', /Hour 24/],
    ['2024-05-01T12:60', /Minute 60/],
  ])('refuses %j', (during, problem) => {
    expect(duringProblem(during)).toMatch(problem);
  });
});

describe('filters in the page address', () => {
  it('reads during and limit, dropping what is not valid', () => {
    expect(filtersFromSearch(new URLSearchParams('during=2024-05-01&limit=100'))).toEqual({
      during: '2024-05-01',
      limit: 100,
    });
    expect(filtersFromSearch(new URLSearchParams('during=yesterday&limit=7'))).toEqual({
      during: '',
      limit: DEFAULT_PAGE_SIZE,
    });
  });

  it('writes only what differs from the defaults, and reads back the same', () => {
    expect(filtersToSearch({ during: '', limit: DEFAULT_PAGE_SIZE })).toEqual({});
    const filters = { during: '2024-05-01T12', limit: 250 };
    expect(filtersToSearch(filters)).toEqual({ during: '2024-05-01T12', limit: '250' });
    expect(filtersFromSearch(new URLSearchParams(filtersToSearch(filters)))).toEqual(filters);
  });
});

describe('auditQuery', () => {
  it('sends limit always, during and cursor only when set', () => {
    expect(auditQuery({ during: '', limit: 50 })).toEqual({ limit: 50 });
    expect(auditQuery({ during: '2024-05', limit: 100 }, 'abc')).toEqual({
      limit: 100,
      during: '2024-05',
      cursor: 'abc',
    });
  });
});

describe('helpers', () => {
  it('gives the UTC day and hour prefixes of a time', () => {
    const date = new Date('2024-05-01T23:30:00.000Z');
    expect(utcPrefix(date, 'day')).toBe('2024-05-01');
    expect(utcPrefix(date, 'hour')).toBe('2024-05-01T23');
  });

  it('links a service target only', () => {
    expect(targetHref('service/web')).toBe('/services/web');
    expect(targetHref('token/abc')).toBeUndefined();
    expect(targetHref('lock/service/web')).toBeUndefined();
  });

  it("names the actor with the token's name when the entry has it", () => {
    const entry: AuditEntry = {
      id: 'a1',
      time: '2024-05-01T12:00:00.000Z',
      actor: 'token:abc',
      action: 'service.create',
      target: 'service/web',
      sourceIp: '127.0.0.1',
      outcome: 'ok',
    };
    expect(actorLabel(entry)).toBe('token:abc');
    expect(actorLabel({ ...entry, details: { actorName: 'Ada' } })).toBe('Ada (token:abc)');
  });

  it('writes times in UTC, and leaves text that is not a time as it is', () => {
    expect(utcTime('2024-05-01T12:30:05.123Z')).toBe('2024-05-01 12:30:05 UTC');
    expect(utcTime('soon')).toBe('soon');
  });
});
