import { fullImageName, imageIdFor } from './image-reference';
import { createRegistryChecker } from './registry';

describe('image names (as containerd prints them)', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['team/app:v1', 'docker.io/team/app:v1'],
    ['127.0.0.1:5000/team/app:v1', '127.0.0.1:5000/team/app:v1'],
    ['registry.local/app@sha256:abc', 'registry.local/app@sha256:abc'],
  ])('%s', (image, full) => {
    expect(fullImageName(image)).toBe(full);
  });

  it('gives a stable imageID, the digest itself for references by digest', () => {
    expect(imageIdFor('registry.local/app@sha256:abc')).toBe('registry.local/app@sha256:abc');
    expect(imageIdFor('nginx')).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  });
});

describe('registry check (Docker Registry v2)', () => {
  const answers: Record<string, number> = {
    'http://127.0.0.1:5000/v2/team/app/manifests/v1': 200,
    'http://127.0.0.1:5000/v2/team/app/manifests/v2': 404,
  };
  const requests: { url: string; accept: string | null }[] = [];
  const fakeFetch = (async (url: URL, init: RequestInit) => {
    requests.push({ url: String(url), accept: new Headers(init.headers).get('accept') });
    const status = answers[String(url)] ?? 500;
    return new Response(status === 200 ? '{}' : null, { status });
  }) as unknown as typeof fetch;
  const checker = createRegistryChecker({ registryUrl: 'http://127.0.0.1:5000', fetch: fakeFetch });

  it('finds images the registry has, asking for manifests', async () => {
    expect(await checker.check('127.0.0.1:5000/team/app:v1')).toBeNull();
    expect(requests[0]?.accept).toContain('application/vnd.docker.distribution.manifest.v2+json');
  });

  it('fails like containerd for a tag the registry does not have', async () => {
    expect(await checker.check('127.0.0.1:5000/team/app:v2')).toMatch(
      /code = NotFound .*127\.0\.0\.1:5000\/team\/app:v2: not found/,
    );
  });

  it('takes images of other registries as present, without asking', async () => {
    const before = requests.length;
    expect(await checker.check('nginx:1.27')).toBeNull();
    expect(requests.length).toBe(before);
  });

  it('caches answers briefly', async () => {
    const before = requests.length;
    await checker.check('127.0.0.1:5000/team/app:v1');
    expect(requests.length).toBe(before);
    expect(checker.cached('127.0.0.1:5000/team/app:v1')).toBeNull();
  });
});
