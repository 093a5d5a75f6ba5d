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
 * A service names an image *repository* (no tag, no digest); each release names a full reference. Where a
 * reference points, as Docker and containerd resolve it (registry host, repository path inside it, tag or
 * digest), is `resolveImageReference`.
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
const TAG_PATTERN = new RegExp(`^${TAG}$`);
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

/**
 * `name[:tag][@digest]` cut by position alone, nothing checked: the digest after the `@`, the tag after a `:`
 * that no `/` follows (a `:` before a `/` is the registry's port). Every valid reference splits the way the
 * grammar reads it, since neither a tag nor a digest may hold a `/` or an `@`.
 */
function splitReference(value: string): { name: string; tag?: string; digest?: string } {
  const at = value.indexOf('@');
  const digest = at < 0 ? undefined : value.slice(at + 1);
  const rest = at < 0 ? value : value.slice(0, at);
  const colon = rest.lastIndexOf(':');
  if (colon < 0 || colon < rest.lastIndexOf('/')) return { name: rest, digest };
  return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}

/** Splits `repository[:tag][@digest]`; `undefined` when `value` is not a reference. */
export function parseImageReference(value: string): ImageReference | undefined {
  if (value.length > MAX_MATCHED_LENGTH) return undefined;
  const { name: repository, tag, digest } = splitReference(value);
  if (repository.length > IMAGE_NAME_MAX_LENGTH || !REPOSITORY_PATTERN.test(repository)) return undefined;
  if (tag !== undefined && !TAG_PATTERN.test(tag)) return undefined;
  if (digest !== undefined && !isImageDigest(digest)) return undefined;
  return { repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Where an image reference points, as Docker and containerd resolve it. */
export interface ResolvedImage {
  /** The registry, `host[:port]`: `docker.io` when the reference names none. */
  host: string;
  /** The repository inside the registry: `library/nginx` for `nginx`, `team/app`. */
  path: string;
  /** The digest when the reference has one, else its tag, else `latest`. */
  reference: string;
  byDigest: boolean;
}

export const DEFAULT_REGISTRY = 'docker.io';

/**
 * Resolves a reference the way containerd does before a pull: the first path component is a registry host
 * when it has a `.` or a `:` or is `localhost` (otherwise the registry is Docker Hub, where one-component
 * names live under `library/`); no tag means `latest`; a digest wins over a tag. Nothing is validated (a
 * kubelet resolves whatever a pod names; `parseImageReference` says whether it is a valid reference).
 */
export function resolveImageReference(value: string): ResolvedImage {
  const { name, tag, digest } = splitReference(value.trim());
  const slash = name.indexOf('/');
  const first = slash > 0 ? name.slice(0, slash) : '';
  const named = first.includes('.') || first.includes(':') || first === 'localhost';
  const host = named ? first : DEFAULT_REGISTRY;
  const rest = named ? name.slice(slash + 1) : name;
  const path = !named && !rest.includes('/') ? `library/${rest}` : rest;
  return { host, path, reference: digest ?? tag ?? 'latest', byDigest: digest !== undefined };
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
