/**
 * The image tag a pushed commit deploys: a per-service template over `{sha}` (the full 40-digit commit),
 * `{sha7}` (its first seven digits) and `{branch}` (the branch, with every character a tag may not hold turned
 * into `-`), so `{branch}-{sha7}` on `feature/login` at `4f2a9c1…` is `feature-login-4f2a9c1`. The result must
 * be a Docker tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
 */
export const DEFAULT_TAG_TEMPLATE = '{sha}';

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PLACEHOLDERS = new Set(['sha', 'sha7', 'branch']);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** What may stand between placeholders: tag characters only. */
const LITERAL = /^[A-Za-z0-9_.-]*$/;

/** Why `template` cannot make tags; empty when it can. */
export function tagTemplateErrors(template: string): string[] {
  if (template.length === 0) return ['must be non-empty'];
  if (template.length > 128) return ['must be no more than 128 characters'];
  const errors: string[] = [];
  let placeholders = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    placeholders++;
    if (!PLACEHOLDERS.has(match[1] ?? ''))
      errors.push(`unknown placeholder {${match[1]}}: use {sha}, {sha7} or {branch}`);
  }
  const literal = template.replace(PLACEHOLDER, '');
  if (!LITERAL.test(literal))
    errors.push("outside placeholders only letters, digits, '_', '.' and '-' may appear");
  if (placeholders === 0) errors.push('must contain {sha} or {sha7}, so that each commit has its own tag');
  else if (!/\{sha7?\}/.test(template))
    errors.push('must contain {sha} or {sha7}, so that each commit has its own tag');
  if (/^[.-]/.test(template)) errors.push("must not start with '.' or '-'");
  return errors;
}

/** A branch name as tag characters: anything else becomes `-`. */
export function branchForTag(branch: string): string {
  return branch.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/**
 * The tag of `sha` on `branch` by `template` (valid by `tagTemplateErrors`); null when the result is not a
 * Docker tag (a branch so long the tag passes 128 characters).
 */
export function renderTag(template: string, commit: { sha: string; branch: string }): string | null {
  const tag = template.replace(PLACEHOLDER, (_, name: string) =>
    name === 'sha' ? commit.sha : name === 'sha7' ? commit.sha.slice(0, 7) : branchForTag(commit.branch),
  );
  return TAG.test(tag) ? tag : null;
}
