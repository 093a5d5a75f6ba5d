import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { errorText, fieldMessages, isStale, normalizePath, rowMessages } from './field-errors';

describe('normalizePath', () => {
  it('reads bracketed indexes as the dot-joined paths the API writes', () => {
    expect(normalizePath('env[2].name')).toBe('env.2.name');
    expect(normalizePath('domains[0]')).toBe('domains.0');
    expect(normalizePath('env.2.value')).toBe('env.2.value');
    expect(normalizePath('cpu.request')).toBe('cpu.request');
  });
});

describe('fieldMessages', () => {
  it('puts each issue on its field and keeps the others apart', () => {
    const sorted = fieldMessages(
      [
        { path: 'replicas', message: 'must be an integer' },
        { path: 'cpu.request', message: 'must be less than or equal to cpu limit of 1' },
        { path: 'body', message: 'give at least one of replicas, cpu or memory' },
      ],
      ['replicas', 'cpu.request', 'cpu.limit'],
    );
    expect(sorted.fields).toEqual({
      replicas: 'must be an integer',
      'cpu.request': 'must be less than or equal to cpu limit of 1',
    });
    expect(sorted.other).toEqual([{ path: 'body', message: 'give at least one of replicas, cpu or memory' }]);
  });

  it('joins several messages of one field once each', () => {
    const sorted = fieldMessages(
      [
        { path: 'cpu.limit', message: 'a' },
        { path: 'cpu.limit', message: 'b' },
        { path: 'cpu.limit', message: 'a' },
      ],
      ['cpu.limit'],
    );
    expect(sorted.fields['cpu.limit']).toBe('a; b');
  });
});

describe('rowMessages', () => {
  const keys = ['k0', 'k1', 'k2'];

  it('maps env.<i>.<field> and env[i].field onto the row sent at i', () => {
    const sorted = rowMessages(
      [
        { path: 'env.1.name', message: "duplicate environment variable 'A'" },
        { path: 'env[2].value', message: 'must be no more than 32768 characters' },
        { path: 'env.0.extra', message: 'unknown field' },
        { path: 'env', message: 'names and values take 200000 bytes; at most 131072' },
        { path: 'env.9.name', message: 'out of range' },
        { path: 'replicas', message: 'elsewhere' },
      ],
      'env',
      keys,
      ['name', 'value'] as const,
    );
    expect(sorted.rows.get('k1')).toEqual({ name: "duplicate environment variable 'A'" });
    expect(sorted.rows.get('k2')).toEqual({ value: 'must be no more than 32768 characters' });
    expect(sorted.rows.get('k0')).toEqual({ row: 'unknown field' });
    expect(sorted.other.map((issue) => issue.path)).toEqual(['env', 'env.9.name', 'replicas']);
  });

  it('maps a bare index (domains.0) onto the whole row, not onto a prefix-sharing list', () => {
    const sorted = rowMessages(
      [
        { path: 'domains.0', message: 'domain a.example.com is already used by another service' },
        { path: 'domainsX.1', message: 'not this list' },
      ],
      'domains',
      keys,
    );
    expect(sorted.rows.get('k0')).toEqual({ row: 'domain a.example.com is already used by another service' });
    expect(sorted.other).toHaveLength(1);
  });
});

describe('errorText and isStale', () => {
  it("shows the API's message, or says the API did not answer", () => {
    expect(errorText(new ApiError(400, 'invalid_input', 'patch is invalid'))).toBe('patch is invalid');
    expect(errorText(new TypeError('Failed to fetch'))).toBe('The API did not answer: Failed to fetch');
  });

  it('recognises the 409 of a stale If-Match only', () => {
    const stale = new ApiError(409, 'conflict', 'service web changed', [
      { path: 'headers.if-match', message: 'service web changed' },
    ]);
    const taken = new ApiError(409, 'conflict', 'domain taken', [{ path: 'domains.0', message: 'taken' }]);
    expect(isStale(stale)).toBe(true);
    expect(isStale(taken)).toBe(false);
    expect(isStale(new Error('x'))).toBe(false);
  });
});
