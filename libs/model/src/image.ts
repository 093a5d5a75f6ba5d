/**
 * Container image references, by the grammar of distribution/reference (what `docker pull` accepts):
 *
 * ```
 * reference   := name [ ":" tag ] [ "@" digest ]
 * name        := [domain '/'] path-component ['/' path-component]*     (at most 255 characters)
 * domain      := host [':' port-number]
 * path-component := [a-z0-9]+ ([_.]|__|[-]+ [a-z0-9]+)*
 * tag         := [\w][\w.-]{0,127}
 * digest      := algorithm ":" hex{32,}                                   (sha256: exactly 64 lowercase hex)
 * ```
 *
 * A service names an image *repository* (no tag, no digest); each release names a full reference.
 */

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REPOSITORY_PATTERN = new RegExp(`^${NAME}$`);
const REFERENCE_PATTERN = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const DIGEST_PATTERN = new RegExp(`^${DIGEST}$`);
const SHA256_DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export const IMAGE_NAME_MAX_LENGTH = 255;
/** Longer strings are not matched at all: a name, a tag and a sha512 digest fit well inside. */
const MAX_MATCHED_LENGTH = 1024;

export interface ImageReference {
  repository: string;
  tag?: string;
  digest?: string;
}

/** A content digest (`sha256:` and 64 lowercase hex digits, or another registered algorithm). */
export function isImageDigest(value: string): boolean {
  if (!DIGEST_PATTERN.test(value)) return false;
  return !value.startsWith('sha256:') || SHA256_DIGEST_PATTERN.test(value);
}

/** Why `value` is not an image repository (`registry.local:5000/team/app`, no tag or digest); empty if it is one. */
export function imageRepositoryErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > IMAGE_NAME_MAX_LENGTH)
    errors.push(`must be no more than ${IMAGE_NAME_MAX_LENGTH} characters`);
  if (value.length > MAX_MATCHED_LENGTH || !REPOSITORY_PATTERN.test(value)) {
    errors.push(
      parseImageReference(value)
        ? 'must be an image repository without a tag or digest (e.g. registry.local:5000/team/app); tags belong to releases'
        : 'must be an image repository: an optional registry host[:port]/ followed by lowercase path components separated by / (e.g. registry.local:5000/team/app)',
    );
  }
  return errors;
}

export const isImageRepository = (value: string): boolean => imageRepositoryErrors(value).length === 0;

/** Splits `repository[:tag][@digest]`; `undefined` when `value` is not a reference. */
export function parseImageReference(value: string): ImageReference | undefined {
  const match = value.length > MAX_MATCHED_LENGTH ? null : REFERENCE_PATTERN.exec(value);
  if (!match) return undefined;
  const [, repository = '', tag, digest] = match;
  if (repository.length > IMAGE_NAME_MAX_LENGTH) return undefined;
  if (digest !== undefined && !isImageDigest(digest)) return undefined;
  return { repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Why `value` is not a pinned image reference (a repository with a tag, a digest or both); empty if it is one. */
export function pinnedImageReferenceErrors(value: string): string[] {
  const reference = parseImageReference(value);
  if (!reference) {
    return [
      'must be an image reference: repository[:tag][@digest] (e.g. registry.local:5000/team/app:1.4.2)',
    ];
  }
  if (reference.tag === undefined && reference.digest === undefined) return ['must name a tag or a digest'];
  return [];
}

export const isPinnedImageReference = (value: string): boolean =>
  pinnedImageReferenceErrors(value).length === 0;

/** `repository[:tag][@digest]`, the reference a release deploys. */
export function formatImageReference(reference: ImageReference): string {
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`;
  const digest = reference.digest === undefined ? '' : `@${reference.digest}`;
  return `${reference.repository}${tag}${digest}`;
}
