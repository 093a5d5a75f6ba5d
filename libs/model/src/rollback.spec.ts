import { releaseConfigOf } from './release';
import { rollbackDraft, rolledBackService } from './rollback';
import { exampleRelease, exampleService } from './testing';

const context = { actor: 'token:abc', now: new Date('2024-05-02T00:00:00Z') };

describe('the rollback rule', () => {
  const service = exampleService();
  it('rollback: the target image; env, port and probes of the target; replicas, resources and domains kept', () => {
    const target = exampleRelease({
      number: 2,
      config: {
        ...releaseConfigOf(service),
        env: [{ name: 'OLD', value: '1' }],
        port: 9000,
        replicas: 1,
        domains: [],
      },
    });
    const scaled = {
      ...service,
      domains: ['web.example.com'],
      replicas: 6,
      resources: { ...service.resources, cpu: { request: '1', limit: '2' } },
    };
    const back = rolledBackService(scaled, target);
    expect(back).toMatchObject({
      env: [{ name: 'OLD', value: '1' }],
      port: 9000,
      domains: ['web.example.com'],
      replicas: 6,
    });
    expect(back.resources.cpu).toEqual({ request: '1', limit: '2' });
    const draft = rollbackDraft(back, target, context);
    expect(draft).toMatchObject({
      cause: 'rollback',
      rollbackOf: 2,
      image: target.image,
      config: { replicas: 6, port: 9000, domains: ['web.example.com'] },
    });
  });
});
