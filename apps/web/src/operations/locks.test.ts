import { describe, expect, it } from 'vitest';
import { leaseText, lockPath, lockService } from './locks';

describe('locks', () => {
  it("keeps the name's slashes as path separators and encodes each segment", () => {
    expect(lockPath('service/web')).toBe('/locks/service/web');
    expect(lockPath('report/web/7')).toBe('/locks/report/web/7');
    expect(lockPath('odd/a?b#c%d')).toBe('/locks/odd/a%3Fb%23c%25d');
  });

  it("names the service of the deployer's and the reporter's locks", () => {
    expect(lockService('service/web')).toBe('web');
    expect(lockService('report/web/7')).toBe('web');
    expect(lockService('election/watcher')).toBeUndefined();
  });

  it('says how much of the lease is left', () => {
    expect(leaseText({ ttlSeconds: 15, ttlRemainingSeconds: 12 })).toBe('12 s of 15 s left');
    expect(leaseText({ ttlSeconds: 15, ttlRemainingSeconds: null })).toBe('lease gone (TTL 15 s)');
  });
});
