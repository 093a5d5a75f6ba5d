import {
  formatImageReference,
  imageRepositoryErrors,
  isImageDigest,
  isImageRepository,
  isPinnedImageReference,
  parseImageReference,
  resolveImageReference,
} from './image';

const SHA = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('isImageRepository', () => {
  it.each([
    'app',
    'team/app',
    'registry.local:5000/team/app',
    'registry.local/team/app',
    'localhost:5000/app',
    'Registry.Example.com/app',
    '[::1]:5000/app',
    'a/b/c/d',
    'my_app',
    'my__app',
    'my.app',
    'my---app',
  ])('accepts %p', (value) => {
    expect(isImageRepository(value)).toBe(true);
  });
  it.each([
    '',
    'App',
    'team/App',
    'app:latest',
    'registry.local:5000/team/app:1.0',
    `app@${SHA}`,
    '-app',
    'app-',
    'app_',
    'a___b',
    'team//app',
    '/app',
    'app/',
    'https://registry/app',
    `${'a'.repeat(256)}`,
  ])('rejects %p', (value) => {
    expect(isImageRepository(value)).toBe(false);
  });
  it('says that tags belong to releases', () => {
    expect(imageRepositoryErrors('team/app:1.0')).toEqual([
      expect.stringContaining('tags belong to releases'),
    ]);
  });
  it('does not hang on long hostile input', () => {
    const started = Date.now();
    expect(isImageRepository(`${'a-'.repeat(5000)}!`)).toBe(false);
    expect(isImageRepository(`${'a.'.repeat(120)}!`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('image references', () => {
  it.each([
    ['team/app:1.0', { repository: 'team/app', tag: '1.0' }],
    ['registry.local:5000/team/app:4f2a9c1', { repository: 'registry.local:5000/team/app', tag: '4f2a9c1' }],
    [`team/app@${SHA}`, { repository: 'team/app', digest: SHA }],
    [`team/app:v2@${SHA}`, { repository: 'team/app', tag: 'v2', digest: SHA }],
    ['registry.local:5000/app', { repository: 'registry.local:5000/app' }],
  ])('parses %p', (value, expected) => {
    expect(parseImageReference(value)).toEqual(expected);
    expect(formatImageReference(expected)).toBe(value);
  });

  it.each(['team/app:1.0', `team/app@${SHA}`, 'registry.local:5000/app:latest'])('%p is pinned', (value) => {
    expect(isPinnedImageReference(value)).toBe(true);
  });
  it.each([
    'team/app',
    'registry.local:5000/app',
    'team/app:',
    'team/app:-x',
    `team/app:${'t'.repeat(129)}`,
    'team/app@sha256:abc',
    'team/App:1',
  ])('%p is not pinned', (value) => {
    expect(isPinnedImageReference(value)).toBe(false);
  });

  it.each([
    [SHA, true],
    [`sha512:${'ab'.repeat(64)}`, true],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(63)}`, false],
    ['sha256:', false],
    ['md5', false],
  ])('digest %p is valid: %p', (value, valid) => {
    expect(isImageDigest(value)).toBe(valid);
  });
});

describe('resolveImageReference (as containerd resolves a pull)', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', 'latest'],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27'],
    ['team/app:v1', 'docker.io', 'team/app', 'v1'],
    ['127.0.0.1:5000/team/app:v1', '127.0.0.1:5000', 'team/app', 'v1'],
    ['registry.local:5000/team/app', 'registry.local:5000', 'team/app', 'latest'],
    ['localhost/app', 'localhost', 'app', 'latest'],
    ['registry.local/app@sha256:abc', 'registry.local', 'app', 'sha256:abc'],
    [`registry.local/app:v2@${SHA}`, 'registry.local', 'app', SHA],
    ['  nginx:1.27 ', 'docker.io', 'library/nginx', '1.27'],
  ])('%p', (value, host, path, reference) => {
    expect(resolveImageReference(value)).toEqual({
      host,
      path,
      reference,
      byDigest: reference.startsWith('sha256:'),
    });
  });
});

describe('parseImageReference and resolveImageReference agree', () => {
  it.each(['app', 'team/app:1.0', 'registry.local:5000/team/app:4f2a9c1', `localhost:5000/app@${SHA}`])(
    '%p',
    (value) => {
      const parsed = parseImageReference(value);
      const resolved = resolveImageReference(value);
      expect(parsed?.repository.endsWith(resolved.path.replace(/^library\//, ''))).toBe(true);
      expect(resolved.reference).toBe(parsed?.digest ?? parsed?.tag ?? 'latest');
    },
  );
});
