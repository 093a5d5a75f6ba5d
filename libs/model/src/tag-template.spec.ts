import { renderTag, tagTemplateErrors } from './tag-template';

const SHA = '4f2a9c1d5e6f708192a3b4c5d6e7f80912a3b4c5';

describe('tag templates', () => {
  it('renders {sha}, {sha7} and {branch}', () => {
    expect(renderTag('{sha}', { sha: SHA, branch: 'main' })).toBe(SHA);
    expect(renderTag('{branch}-{sha7}', { sha: SHA, branch: 'feature/login' })).toBe('feature-login-4f2a9c1');
    expect(renderTag('v1.{sha7}_x', { sha: SHA, branch: 'main' })).toBe('v1.4f2a9c1_x');
  });

  it('answers null when a long branch makes the tag longer than 128 characters', () => {
    expect(renderTag('{branch}-{sha}', { sha: SHA, branch: 'b'.repeat(100) })).toBeNull();
  });

  it('refuses unknown placeholders, characters a tag cannot hold, and templates without the commit', () => {
    expect(tagTemplateErrors('{sha}')).toEqual([]);
    expect(tagTemplateErrors('{branch}-{sha7}')).toEqual([]);
    expect(tagTemplateErrors('{commit}')[0]).toMatch(/unknown placeholder \{commit\}/);
    expect(tagTemplateErrors('release/{sha}')[0]).toMatch(/only letters/);
    expect(tagTemplateErrors('{branch}')[0]).toMatch(/must contain \{sha\}/);
    expect(tagTemplateErrors('latest')[0]).toMatch(/must contain \{sha\}/);
    expect(tagTemplateErrors('-{sha}')).toContain("must not start with '.' or '-'");
    expect(tagTemplateErrors('')).toEqual(['must be non-empty']);
  });
});
