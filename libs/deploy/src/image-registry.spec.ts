import { UnavailableError } from '@cite/errors';
import { freePort } from '@cite/test-support';
import { createImageRegistry, splitImage } from './image-registry';
import { startRegistry, type RunningRegistry } from './testing';

describe('splitImage', () => {
  it.each([
    ['127.0.0.1:5000/shop/web:v1', { host: '127.0.0.1:5000', path: 'shop/web', reference: 'v1' }],
    [
      'registry.local/team/app@sha256:' + 'a'.repeat(64),
      { host: 'registry.local', path: 'team/app', reference: 'sha256:' + 'a'.repeat(64) },
    ],
    ['nginx:1.25', { host: 'docker.io', path: 'library/nginx', reference: '1.25' }],
    ['acme/app:2', { host: 'docker.io', path: 'acme/app', reference: '2' }],
    ['localhost/app:dev', { host: 'localhost', path: 'app', reference: 'dev' }],
  ])('%s', (image, parts) => {
    expect(splitImage(image)).toEqual(parts);
  });
});

describe('image registry check (Debian docker-registry over the v2 API)', () => {
  let registry: RunningRegistry;
  let digest: string;
  beforeAll(async () => {
    registry = await startRegistry();
    digest = await registry.push('shop/web', 'v1');
  }, 30_000);
  afterAll(() => registry.stop());

  it('finds a pushed image and reports its digest', async () => {
    const check = await createImageRegistry({ url: registry.url }).check(`${registry.host}/shop/web:v1`);
    expect(check).toEqual({ found: true, digest });
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('finds it by digest too', async () => {
    const check = await createImageRegistry({ url: registry.url }).check(
      `${registry.host}/shop/web@${digest}`,
    );
    expect(check).toMatchObject({ found: true });
  });

  it('says not found for a missing tag and a missing repository', async () => {
    const client = createImageRegistry({ url: registry.url });
    expect(await client.check(`${registry.host}/shop/web:nope`)).toEqual({ found: false, status: 404 });
    expect(await client.check(`${registry.host}/shop/other:v1`)).toEqual({ found: false, status: 404 });
  });

  it('does not check images of other registries', async () => {
    expect(await createImageRegistry({ url: registry.url }).check('registry.example.com/a/b:1')).toEqual({
      found: true,
      skipped: true,
    });
  });

  it('is unavailable (transient) when the registry cannot be reached', async () => {
    const port = await freePort();
    const client = createImageRegistry({ url: `http://127.0.0.1:${port}`, timeoutMs: 1_000 });
    await expect(client.check(`127.0.0.1:${port}/shop/web:v1`)).rejects.toBeInstanceOf(UnavailableError);
  });
});
