import { InputError } from '@cite/errors';
import { releaseConfigOf, type Release } from '@cite/model';
import { exampleRelease, exampleService } from '@cite/model/testing';
import {
  baseRelease,
  changeDraft,
  deployDraft,
  releaseConfigChanged,
  scaleService,
} from './release-planning';

const context = { actor: 'token:abc', now: new Date('2024-05-02T00:00:00Z') };
const release = (
  number: number,
  status: Release['status'],
  image = `registry.local:5000/payments/payments-api:v${number}`,
) => exampleRelease({ number, status, image });

describe('baseRelease (what a config or scale change builds on)', () => {
  it.each<[string, Release | null, Release | null, number | null]>([
    ['nothing released yet', null, null, null],
    ['the newest, when it is pending', release(3, 'pending'), release(2, 'succeeded'), 3],
    ['the newest, when it succeeded', release(3, 'succeeded'), release(3, 'succeeded'), 3],
    ['the running one, when the newest failed', release(3, 'failed'), release(2, 'succeeded'), 2],
    ['the newest failed one, when nothing ever ran', release(1, 'failed'), null, 1],
    ['the newest, when it is in progress', release(4, 'in_progress'), release(2, 'succeeded'), 4],
  ])('%s', (_case, latest, running, expected) => {
    expect(baseRelease(latest, running)?.number ?? null).toBe(expected);
  });
});

describe('release drafts', () => {
  const service = exampleService();

  it('deploy: the given image with the current config', () => {
    const draft = deployDraft(service, { image: 'r/app:9', digest: undefined }, '4f2a9c1', context);
    expect(draft).toEqual({
      image: 'r/app:9',
      gitSha: '4f2a9c1',
      config: releaseConfigOf(service),
      cause: 'deploy',
      actor: 'token:abc',
      status: 'pending',
      createdAt: '2024-05-02T00:00:00.000Z',
    });
  });

  it('config and scale: the base image, digest and sha with the new config', () => {
    const base = exampleRelease({ digest: `sha256:${'a'.repeat(64)}` });
    const next = { ...service, replicas: 7 };
    const draft = changeDraft(next, base, 'scale', context);
    expect(draft).toMatchObject({
      image: base.image,
      digest: base.digest,
      gitSha: base.gitSha,
      cause: 'scale',
    });
    expect(draft.config.replicas).toBe(7);
  });
});

describe('releaseConfigChanged', () => {
  const service = exampleService();
  it.each<[string, object, boolean]>([
    ['nothing', {}, false],
    ['auto-rollback only', { autoRollback: false }, false],
    ['deploy policy only', { deployPolicy: { branch: 'dev', autoDeploy: false, previews: false } }, false],
    ['labels only', { labels: {} }, false],
    ['replicas', { replicas: 9 }, true],
    ['env', { env: [] }, true],
    ['port', { port: 1 }, true],
    ['domains', { domains: ['x.example.com'] }, true],
  ])('%s → %s', (_case, change, changed) => {
    expect(releaseConfigChanged(service, { ...service, ...change })).toBe(changed);
  });
});

describe('scaleService', () => {
  const service = exampleService();
  it.each<[string, object, object]>([
    ['replicas', { replicas: 0 }, { replicas: 0 }],
    [
      'cpu shorthand sets request and limit',
      { cpu: { request: '2', limit: '2' } },
      { resources: { cpu: { request: '2', limit: '2' } } },
    ],
    [
      'memory limit only',
      { memory: { limit: '1Gi' } },
      { resources: { memory: { request: '128Mi', limit: '1Gi' } } },
    ],
  ])('%s', (_case, request, expected) => {
    expect(scaleService(service, request)).toMatchObject(expected);
  });

  it.each<[string, object, string[]]>([
    ['nothing to change', {}, ['body']],
    ['a limit below the request', { cpu: { limit: '50m' } }, ['cpu.request']],
  ])('refuses %s at %j', (_case, request, paths) => {
    try {
      scaleService(service, request);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).details.map((d) => d.path)).toEqual(paths);
    }
  });
});
