/** GitHub and git names: `owner/name` repositories, branch names, commit shas. */

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const GITHUB_REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const GIT_SHA = /^[0-9a-f]{7,40}$/;

export const BRANCH_NAME_MAX_LENGTH = 255;

/**
 * Why `value` is not a GitHub repository in `owner/name` form: an owner of 1–39 alphanumerics and inner
 * hyphens, a name of 1–100 alphanumerics, `.`, `_` or `-` that is not `.` or `..`.
 */
export function githubRepoErrors(value: string): string[] {
  const parts = value.split('/');
  if (parts.length !== 2) return ["must be a GitHub repository in 'owner/name' form"];
  const [owner = '', name = ''] = parts;
  const errors: string[] = [];
  if (!GITHUB_OWNER.test(owner)) {
    errors.push('owner must be 1-39 alphanumeric characters or single inner hyphens');
  }
  if (!GITHUB_REPO_NAME.test(name) || name === '.' || name === '..') {
    errors.push("name must be 1-100 alphanumeric characters, '.', '_' or '-' (and not '.' or '..')");
  }
  return errors;
}

export const isGitHubRepo = (value: string): boolean => githubRepoErrors(value).length === 0;

/** A commit sha, abbreviated (at least 7) or full (40), in lowercase hex as git and GitHub print it. */
export const isGitSha = (value: string): boolean => GIT_SHA.test(value);

/**
 * Why `value` is not a branch name git would accept (`git check-ref-format --branch`): no control characters,
 * spaces or any of `~^:?*[\`, no `..`, `@{` or `//`, no component starting with `.` or ending in `.lock`,
 * not starting with `-` or `/`, not ending with `/` or `.`, not `@`.
 */
export function branchNameErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length === 0) return ['must be non-empty'];
  if (value.length > BRANCH_NAME_MAX_LENGTH)
    errors.push(`must be no more than ${BRANCH_NAME_MAX_LENGTH} characters`);
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(value)) {
    errors.push("must not contain spaces, control characters or any of '~^:?*[\\'");
  }
  if (value.includes('..')) errors.push("must not contain '..'");
  if (value.includes('@{')) errors.push("must not contain '@{'");
  if (value === '@') errors.push("must not be '@'");
  if (value.startsWith('-')) errors.push("must not start with '-'");
  if (value.startsWith('/') || value.endsWith('/') || value.includes('//')) {
    errors.push("must not start or end with '/' or contain '//'");
  }
  if (value.endsWith('.')) errors.push("must not end with '.'");
  if (value.split('/').some((component) => component.startsWith('.') || component.endsWith('.lock'))) {
    errors.push("no '/'-separated component may start with '.' or end with '.lock'");
  }
  return errors;
}

export const isBranchName = (value: string): boolean => branchNameErrors(value).length === 0;
