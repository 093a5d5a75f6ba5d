import { describe, expect, it } from 'vitest';
import { barClass, statusClass, usageOf } from './usage';

describe('usageOf', () => {
  it('gives the share with one decimal and the numbers in text', () => {
    expect(usageOf(12, 254)).toMatchObject({
      percent: 4.7,
      width: 4.7,
      level: 'ok',
      text: '12 / 254 (4.7 %)',
    });
  });

  it('is ok at exactly 80 % and warns above it, as the API does', () => {
    expect(usageOf(80, 100).level).toBe('ok');
    expect(usageOf(81, 100).level).toBe('warn');
    expect(usageOf(204, 254)).toMatchObject({ level: 'warn', percent: 80.3 });
    expect(usageOf(203, 254).level).toBe('ok'); // 79.9 %
  });

  it('is bad when no address is left, and the bar never overflows', () => {
    expect(usageOf(254, 254)).toMatchObject({ level: 'bad', percent: 100, width: 100 });
    expect(usageOf(300, 254)).toMatchObject({ level: 'bad', percent: 118.1, width: 100 });
  });

  it('handles an empty range without dividing by zero', () => {
    expect(usageOf(0, 0)).toMatchObject({ percent: 0, width: 0, level: 'ok' });
    expect(usageOf(3, 0)).toMatchObject({ percent: 100, width: 100, level: 'bad' });
  });

  it('groups thousands', () => {
    expect(usageOf(1234, 2540).text).toBe('1,234 / 2,540 (48.6 %)');
  });
});

describe('classes', () => {
  it('maps a level to the bar and status classes of styles.css', () => {
    expect(barClass('ok')).toBe('bar');
    expect(barClass('warn')).toBe('bar warn');
    expect(barClass('bad')).toBe('bar bad');
    expect(statusClass('warn')).toBe('status-warn');
  });
});
