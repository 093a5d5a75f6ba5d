import { branchNameErrors, githubRepoErrors, isBranchName, isGitHubRepo, isGitSha } from './git';

describe('isGitHubRepo', () => {
  it.each(['acme/payments-api', 'Octo-Cat/Hello.World', 'a/b', 'acme/.github', 'x1/repo_name'])(
    'accepts %p',
    (value) => {
      expect(isGitHubRepo(value)).toBe(true);
    },
  );
  it.each([
    '',
    'acme',
    'acme/',
    '/repo',
    'acme/repo/extra',
    '-acme/repo',
    'acme-/repo',
    'ac me/repo',
    'acme/..',
    'acme/re po',
    `${'a'.repeat(40)}/r`,
  ])('rejects %p', (value) => {
    expect(isGitHubRepo(value)).toBe(false);
  });
  it('names the part at fault', () => {
    expect(githubRepoErrors('-acme/repo')).toEqual([expect.stringMatching(/^owner /)]);
    expect(githubRepoErrors('acme/re po')).toEqual([expect.stringMatching(/^name /)]);
  });
});

describe('isBranchName', () => {
  it.each(['main', 'release/1.2', 'feature/JIRA-12_x', 'v1.0', 'a@b'])('accepts %p', (value) => {
    expect(isBranchName(value)).toBe(true);
  });
  it.each([
    '',
    'a b',
    'a..b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    '-x',
    '/x',
    'x/',
    'a//b',
    'x.',
    '.x',
    'a/.x',
    'x.lock',
    'a@{1}',
    '@',
    'tab\there',
  ])('rejects %p', (value) => {
    expect(isBranchName(value)).toBe(false);
  });
  it('explains', () => {
    expect(branchNameErrors('a..b')).toEqual(["must not contain '..'"]);
  });
});

describe('isGitSha', () => {
  it.each([
    ['4f2a9c1', true],
    ['0123456789abcdef0123456789abcdef01234567', true],
    ['4f2a9c', false],
    ['0123456789abcdef0123456789abcdef012345678', false],
    ['4F2A9C1', false],
    ['4f2a9cg', false],
  ])('%p is a sha: %p', (value, expected) => {
    expect(isGitSha(value)).toBe(expected);
  });
});
