import { describe, expect, it } from 'vitest';
import {
  domainKey,
  emptyForm,
  envKey,
  fieldKeyOf,
  formProblems,
  labelKey,
  mapIssues,
  pathSegments,
  toCreateRequest,
  without,
  type ServiceForm,
  type SentRows,
} from './model';

const minimal = (over: Partial<ServiceForm> = {}): ServiceForm => ({
  ...emptyForm('payments'),
  name: 'api',
  image: 'registry.local:5000/payments/api',
  port: 8080,
  ...over,
});

describe('form → request body', () => {
  it('sends only the required fields when nothing else is filled', () => {
    expect(toCreateRequest(minimal())).toEqual({
      body: { name: 'api', team: 'payments', image: 'registry.local:5000/payments/api', port: 8080 },
      rows: { env: [], domains: [], labels: {} },
    });
  });

  it('leaves out what is empty, including an untouched form', () => {
    expect(toCreateRequest(emptyForm()).body).toEqual({});
    expect(toCreateRequest({ ...emptyForm(), name: '   ', port: Number.NaN, replicas: null }).body).toEqual(
      {},
    );
  });

  it('trims text and keeps numbers as numbers, replicas 0 included', () => {
    const { body } = toCreateRequest(
      minimal({
        name: ' api ',
        team: ' payments ',
        image: ' reg/app ',
        port: 80,
        replicas: 0,
        repo: ' o/r ',
      }),
    );
    expect(body).toEqual({
      name: 'api',
      team: 'payments',
      image: 'reg/app',
      port: 80,
      replicas: 0,
      repo: 'o/r',
    });
  });

  it('sends each resource amount filled, and only those', () => {
    expect(toCreateRequest(minimal({ cpuRequest: '250m' })).body.resources).toEqual({
      cpu: { request: '250m' },
    });
    expect(toCreateRequest(minimal({ memoryLimit: ' 1Gi ' })).body.resources).toEqual({
      memory: { limit: '1Gi' },
    });
    expect(
      toCreateRequest(minimal({ cpuRequest: '1', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '2Gi' }))
        .body.resources,
    ).toEqual({ cpu: { request: '1', limit: '2' }, memory: { request: '1Gi', limit: '2Gi' } });
    expect(toCreateRequest(minimal()).body).not.toHaveProperty('resources');
  });

  it('sends env rows in order, skipping empty ones, and remembers which row each came from', () => {
    const { body, rows } = toCreateRequest(
      minimal({
        env: [
          { id: 'a', name: ' LOG_LEVEL ', value: ' debug ' },
          { id: 'b', name: '', value: '' },
          { id: 'c', name: '', value: 'orphan' },
          { id: 'd', name: 'EMPTY', value: '' },
        ],
      }),
    );
    expect(body.env).toEqual([
      { name: 'LOG_LEVEL', value: ' debug ' },
      { name: '', value: 'orphan' },
      { name: 'EMPTY', value: '' },
    ]);
    expect(rows.env).toEqual(['a', 'c', 'd']);
  });

  it('sends domains trimmed and lowercased, skipping blank rows', () => {
    const { body, rows } = toCreateRequest(
      minimal({
        domains: [
          { id: 'x', host: '' },
          { id: 'y', host: ' Pay.Example.com ' },
        ],
      }),
    );
    expect(body.domains).toEqual(['pay.example.com']);
    expect(rows.domains).toEqual(['y']);
  });

  it('sends labels as an object and maps each key to its row', () => {
    const { body, rows } = toCreateRequest(
      minimal({
        labels: [
          { id: 'l1', key: ' app ', value: ' web ' },
          { id: 'l2', key: '', value: '' },
          { id: 'l3', key: 'example.com/tier', value: '' },
          { id: 'l4', key: 'app', value: 'other' },
        ],
      }),
    );
    expect(body.labels).toEqual({ app: 'web', 'example.com/tier': '' });
    expect(rows.labels).toEqual({ app: 'l1', 'example.com/tier': 'l3' });
  });

  it('sends the branch as the deploy policy and auto-rollback only when turned off', () => {
    expect(toCreateRequest(minimal({ branch: ' release ' })).body.deployPolicy).toEqual({
      branch: 'release',
    });
    expect(toCreateRequest(minimal()).body).not.toHaveProperty('deployPolicy');
    expect(toCreateRequest(minimal()).body).not.toHaveProperty('autoRollback');
    expect(toCreateRequest(minimal({ autoRollback: false })).body.autoRollback).toBe(false);
  });
});

describe('what the form checks itself', () => {
  it('asks for the required fields', () => {
    expect(Object.keys(formProblems(emptyForm()))).toEqual(['name', 'team', 'image', 'port']);
    expect(formProblems(minimal())).toEqual({});
  });

  it('flags a label key given twice on the later row', () => {
    const problems = formProblems(
      minimal({
        labels: [
          { id: 'l1', key: 'app', value: 'a' },
          { id: 'l2', key: ' app ', value: 'b' },
          { id: 'l3', key: '', value: '' },
          { id: 'l4', key: '', value: '' },
        ],
      }),
    );
    expect(problems).toEqual({ [labelKey('l2')]: ["duplicate label key 'app'"] });
  });
});

describe('API issue paths', () => {
  it('splits dotted and bracketed paths alike, keeping label keys whole', () => {
    expect(pathSegments('env[2].name')).toEqual(['env', '2', 'name']);
    expect(pathSegments('env.2.name')).toEqual(['env', '2', 'name']);
    expect(pathSegments('domains[0]')).toEqual(['domains', '0']);
    expect(pathSegments('resources.cpu.request')).toEqual(['resources', 'cpu', 'request']);
    expect(pathSegments('labels.app.kubernetes.io/name')).toEqual(['labels', 'app.kubernetes.io/name']);
    expect(pathSegments('labels')).toEqual(['labels']);
    expect(pathSegments('')).toEqual([]);
  });

  const rows: SentRows = {
    env: ['e1', 'e2', 'e3'],
    domains: ['d1', 'd2'],
    labels: { app: 'l1', 'app.kubernetes.io/name': 'l2', '': 'l3' },
  };

  it('maps every single field by its own path', () => {
    for (const path of [
      'name',
      'team',
      'image',
      'port',
      'replicas',
      'repo',
      'autoRollback',
      'resources.cpu.request',
      'resources.cpu.limit',
      'resources.memory.request',
      'resources.memory.limit',
      'deployPolicy.branch',
    ]) {
      expect(fieldKeyOf(path, rows)).toEqual({ key: path });
    }
  });

  it('maps env issues to the row sent at that index, in either notation', () => {
    expect(fieldKeyOf('env[2].name', rows)).toEqual({ key: envKey('e3', 'name') });
    expect(fieldKeyOf('env.0.value', rows)).toEqual({ key: envKey('e1', 'value') });
    expect(fieldKeyOf('env.1', rows)).toEqual({ key: envKey('e2') });
    expect(fieldKeyOf('env[1].secret', rows)).toEqual({ key: envKey('e2'), prefix: 'secret' });
    expect(fieldKeyOf('env', rows)).toEqual({ key: 'env' });
    expect(fieldKeyOf('env[3].name', rows)).toBeUndefined();
    expect(fieldKeyOf('env.x.name', rows)).toBeUndefined();
  });

  it('maps domain issues to their rows', () => {
    expect(fieldKeyOf('domains[0]', rows)).toEqual({ key: domainKey('d1') });
    expect(fieldKeyOf('domains.1', rows)).toEqual({ key: domainKey('d2') });
    expect(fieldKeyOf('domains', rows)).toEqual({ key: 'domains' });
    expect(fieldKeyOf('domains.2', rows)).toBeUndefined();
    expect(fieldKeyOf('domains.0.host', rows)).toBeUndefined();
  });

  it('maps label issues to the row of that key, dots and slashes included', () => {
    expect(fieldKeyOf('labels.app', rows)).toEqual({ key: labelKey('l1') });
    expect(fieldKeyOf('labels.app.kubernetes.io/name', rows)).toEqual({ key: labelKey('l2') });
    expect(fieldKeyOf('labels.', rows)).toEqual({ key: labelKey('l3') });
    expect(fieldKeyOf('labels', rows)).toEqual({ key: 'labels' });
    expect(fieldKeyOf('labels.tier', rows)).toBeUndefined();
  });

  it('matches nothing for unknown or partial paths', () => {
    for (const path of [
      '',
      'resources',
      'resources.cpu',
      'resources.gpu.request',
      'deployPolicy',
      'deployPolicy.webhookSecret',
      'healthCheck.path',
      'headers.idempotency-key',
      'body',
      'nameX',
    ]) {
      expect(fieldKeyOf(path, rows)).toBeUndefined();
    }
  });
});

describe('mapping the API details', () => {
  const rows: SentRows = { env: ['e1', 'e2'], domains: ['d1'], labels: { app: 'l1' } };

  it('puts messages on fields and everything else at the top with its path', () => {
    const mapped = mapIssues(
      [
        { path: 'replicas', message: 'must be less than or equal to 1000' },
        { path: 'resources.cpu.request', message: 'must be less than or equal to cpu limit of 500m' },
        { path: 'env.1.name', message: "duplicate environment variable 'A'" },
        { path: 'env[0].name', message: 'a valid environment variable name must …' },
        { path: 'domains.0', message: 'domain pay.example.com is already used by another service' },
        { path: 'labels.app', message: 'key must be …' },
        { path: 'labels.app', message: 'value must be …' },
        { path: 'healthCheck', message: 'unknown field' },
        { path: 'headers.idempotency-key', message: 'was already used for a different request' },
        { path: '', message: 'service is too large' },
      ],
      rows,
    );
    expect(mapped.fields).toEqual({
      replicas: ['must be less than or equal to 1000'],
      'resources.cpu.request': ['must be less than or equal to cpu limit of 500m'],
      [envKey('e2', 'name')]: ["duplicate environment variable 'A'"],
      [envKey('e1', 'name')]: ['a valid environment variable name must …'],
      [domainKey('d1')]: ['domain pay.example.com is already used by another service'],
      [labelKey('l1')]: ['key must be …', 'value must be …'],
    });
    expect(mapped.top).toEqual([
      'healthCheck: unknown field',
      'headers.idempotency-key: was already used for a different request',
      'service is too large',
    ]);
  });

  it('prefixes a row-level message with the part it is about', () => {
    expect(mapIssues([{ path: 'env.0.secret', message: 'unknown field' }], rows).fields).toEqual({
      [envKey('e1')]: ['secret: unknown field'],
    });
  });

  it('sends an index past what was sent to the top', () => {
    expect(mapIssues([{ path: 'env[5].name', message: 'bad' }], rows)).toEqual({
      fields: {},
      top: ['env[5].name: bad'],
    });
  });

  it('maps nothing from no details', () => {
    expect(mapIssues([], rows)).toEqual({ fields: {}, top: [] });
  });
});

describe('clearing messages', () => {
  it('drops only the named fields, and keeps the same object when none is there', () => {
    const messages = { name: ['x'], port: ['y'] };
    expect(without(messages, 'name')).toEqual({ port: ['y'] });
    expect(without(messages, 'image')).toBe(messages);
  });
});
