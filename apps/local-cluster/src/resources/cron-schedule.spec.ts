import { cronParseError, timeZoneError } from './cron-schedule';

describe('cronParseError (robfig/cron v3 ParseStandard)', () => {
  it.each([
    ['*/5 * * * *', undefined],
    ['0 3 * * 1-5', undefined],
    ['30 2 1,15 jan-jun MON', undefined],
    ['0 0 ? * sun', undefined],
    ['@hourly', undefined],
    ['@midnight', undefined],
    ['@every 1h30m', undefined],
    ['', 'empty spec string'],
    ['every hour', 'expected exactly 5 fields, found 2: [every hour]'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['0 0 * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['@every soon', 'failed to parse duration @every soon: time: invalid duration "soon"'],
    ['TZ=Mars/Base 0 * * * *', 'provided bad location Mars/Base: unknown time zone Mars/Base'],
  ])('%j', (schedule, expected) => {
    expect(cronParseError(schedule)).toBe(expected);
  });
});

describe('timeZoneError (validateTimeZone)', () => {
  it.each([
    ['UTC', undefined],
    ['Europe/Paris', undefined],
    ['America/Argentina/Buenos_Aires', undefined],
    ['', 'timeZone must be nil or non-empty string'],
    ['Local', 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'],
    ['../etc/passwd', 'unknown time zone ../etc/passwd'],
    ['Nowhere/Special', 'unknown time zone Nowhere/Special'],
  ])('%j', (zone, expected) => {
    expect(timeZoneError(zone)).toBe(expected);
  });
});
