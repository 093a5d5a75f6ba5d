import { describe, expect, it } from 'vitest';
import { describeScale, sameScale, scaleBody, scaleFormOf, scaleMessages } from './scale-model';

const service = {
  replicas: 2,
  resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
};

describe('scaleBody', () => {
  it('is unchanged for the service as it is', () => {
    expect(scaleBody(scaleFormOf(service), service)).toEqual({ kind: 'unchanged' });
    expect(sameScale(scaleFormOf(service), service)).toBe(true);
  });

  it('asks for only what changed, values trimmed', () => {
    const form = { ...scaleFormOf(service), replicas: 3, cpuLimit: ' 1 ' };
    expect(scaleBody(form, service)).toEqual({ kind: 'ready', body: { replicas: 3, cpu: { limit: '1' } } });
  });

  it('sends both halves of a pair when both changed, and memory apart from cpu', () => {
    const form = { ...scaleFormOf(service), memoryRequest: '256Mi', memoryLimit: '1Gi' };
    expect(scaleBody(form, service)).toEqual({
      kind: 'ready',
      body: { memory: { request: '256Mi', limit: '1Gi' } },
    });
  });

  it('counts 0 replicas as a change (parking), not as empty', () => {
    expect(scaleBody({ ...scaleFormOf(service), replicas: 0 }, service)).toEqual({
      kind: 'ready',
      body: { replicas: 0 },
    });
  });

  it('refuses an empty replica count or amount with a message at its path', () => {
    const built = scaleBody({ ...scaleFormOf(service), replicas: Number.NaN, memoryLimit: '  ' }, service);
    expect(built.kind).toBe('invalid');
    if (built.kind !== 'invalid') return;
    expect(Object.keys(built.errors).sort()).toEqual(['memory.limit', 'replicas']);
  });

  it('leaves judging the values to the API (a request above the limit is sent)', () => {
    const form = { ...scaleFormOf(service), cpuRequest: '2' };
    expect(scaleBody(form, service)).toEqual({ kind: 'ready', body: { cpu: { request: '2' } } });
  });
});

describe('scaleMessages', () => {
  it("puts the API's paths on the form's fields", () => {
    const sorted = scaleMessages([
      { path: 'cpu.request', message: 'must be less than or equal to cpu limit of 1' },
      { path: 'memory.limit', message: 'must be greater than 0' },
      { path: 'body', message: 'give at least one of replicas, cpu or memory' },
    ]);
    expect(sorted.fields).toEqual({
      'cpu.request': 'must be less than or equal to cpu limit of 1',
      'memory.limit': 'must be greater than 0',
    });
    expect(sorted.other).toHaveLength(1);
  });
});

describe('describeScale', () => {
  it('says what changes from what', () => {
    expect(describeScale({ replicas: 3, memory: { limit: '1Gi' } }, service)).toBe(
      'replicas 2 → 3, memory limit 256Mi → 1Gi',
    );
  });
});
