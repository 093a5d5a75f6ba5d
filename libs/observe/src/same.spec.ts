import { sameRecord } from './same';

const record = {
  host: 'shop.example.com',
  service: 'web',
  namespace: 'cite-shop',
  paths: ['/', '/api'],
  targets: ['192.0.2.10'],
  conflict: { with: 'ext/legacy', since: '2024-05-01T12:00:00.000Z' },
  updatedAt: '2024-05-01T12:00:00.000Z',
};

describe('sameRecord', () => {
  it.each<[string, unknown, unknown]>([
    ['the same record', record, { ...record }],
    ['written at another time', record, { ...record, updatedAt: '2024-05-02T00:00:00.000Z' }],
    ['without a write time', record, { ...record, updatedAt: undefined }],
    [
      'observed at another time, by another writer',
      { service: 'web', replicas: 2, observedAt: '2024-05-01T12:00:00Z', observedBy: 'deployer' },
      { service: 'web', replicas: 2, observedAt: '2024-05-01T12:05:00Z', observedBy: 'watcher' },
    ],
    ['its keys in another order', record, Object.fromEntries(Object.entries(record).reverse())],
    [
      'nested keys in another order',
      record,
      { ...record, conflict: { since: record.conflict.since, with: record.conflict.with } },
    ],
    ['an undefined field and a missing one', { ...record, tls: undefined }, record],
    ['both null', null, null],
  ])('same: %s', (_name, a, b) => {
    expect(sameRecord(a, b)).toBe(true);
    expect(sameRecord(b, a)).toBe(true);
  });

  it.each<[string, unknown, unknown]>([
    ['a field changed', record, { ...record, targets: ['192.0.2.11'] }],
    ['a field added', record, { ...record, tls: { secretName: 'shop-tls' } }],
    ['a field removed', record, { ...record, conflict: undefined }],
    ['a nested field changed', record, { ...record, conflict: { ...record.conflict, with: 'ext/other' } }],
    ['a list in another order (order is part of the record)', record, { ...record, paths: ['/api', '/'] }],
    ['a number and its text', { used: 3 }, { used: '3' }],
    ['a record and none', record, null],
  ])('different: %s', (_name, a, b) => {
    expect(sameRecord(a, b)).toBe(false);
    expect(sameRecord(b, a)).toBe(false);
  });

  it('leaves out the write times at any depth, as they never say what a record says', () => {
    expect(
      sameRecord({ pods: [{ name: 'a', updatedAt: '1' }] }, { pods: [{ name: 'a', updatedAt: '2' }] }),
    ).toBe(true);
  });
});
