import { InputError } from '@cite/errors';
import { z } from 'zod';
import { formatIssuePath, parseOrThrow, toFieldIssues } from './parse';
import { ServiceCreateSchema } from './service';

function thrown(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseOrThrow', () => {
  it('returns the parsed output', () => {
    expect(parseOrThrow(z.object({ n: z.number().default(3) }), {})).toEqual({ n: 3 });
  });

  it('lists every issue with its dot-joined path, array indices as numbers', () => {
    const error = thrown(() =>
      parseOrThrow(
        ServiceCreateSchema,
        {
          name: 'Payments',
          team: 'payments',
          image: 'registry.local:5000/payments/api',
          port: 70000,
          resources: { cpu: { request: '1', limit: '1.5.5' } },
          env: [
            { name: 'OK', value: 'x' },
            { name: '1BAD', value: 'y' },
          ],
        },
        'service',
      ),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.details.map((detail) => detail.path)).toEqual([
      'name',
      'port',
      'resources.cpu.limit',
      'env.1.name',
    ]);
    expect(error.details[2]?.message).toMatch(/^quantities must match the regular expression/);
    expect(error.message).toMatch(/^service is invalid: name: a DNS-1035 label .* \(and 3 more\)$/);
  });

  it('reports a request above its limit at the request', () => {
    const error = thrown(() =>
      parseOrThrow(ServiceCreateSchema, {
        name: 'api',
        team: 'payments',
        image: 'team/api',
        port: 8080,
        resources: { cpu: { request: '2', limit: '1' } },
      }),
    );
    expect(error.details).toEqual([
      { path: 'resources.cpu.request', message: 'must be less than or equal to cpu limit of 1' },
    ]);
    expect(error.message).toBe(
      'input is invalid: resources.cpu.request: must be less than or equal to cpu limit of 1',
    );
  });

  it('turns unknown keys into one issue each at their own path', () => {
    const error = thrown(() =>
      parseOrThrow(ServiceCreateSchema, {
        name: 'api',
        team: 'payments',
        image: 'team/api',
        port: 8080,
        replica: 3,
        healthCheck: { path: '/', period: 5 },
      }),
    );
    expect(error.details).toEqual([
      { path: 'healthCheck.period', message: 'unknown field' },
      { path: 'replica', message: 'unknown field' },
    ]);
  });

  it('uses an empty path for the value itself', () => {
    const error = thrown(() => parseOrThrow(z.object({}), 'nope', 'token'));
    expect(error.details).toEqual([{ path: '', message: expect.stringContaining('expected object') }]);
    expect(error.message).toMatch(/^token is invalid: Invalid input/);
  });
});

describe('formatIssuePath', () => {
  it.each([
    [[], ''],
    [['resources', 'cpu', 'limit'], 'resources.cpu.limit'],
    [['env', 0, 'name'], 'env.0.name'],
    [['labels', 'app.kubernetes.io/name'], 'labels.app.kubernetes.io/name'],
  ] as [PropertyKey[], string][])('%p → %p', (path, expected) => {
    expect(formatIssuePath(path)).toBe(expected);
  });

  it('toFieldIssues keeps one detail per issue', () => {
    const result = z.array(z.string()).safeParse([1, 'a', 2]);
    expect(result.success).toBe(false);
    expect(toFieldIssues(result.error!.issues).map((issue) => issue.path)).toEqual(['0', '2']);
  });
});
