/**
 * Which image a deploy runs. A deploy names either a full reference (`registry.local:5000/team/app:1.4.2`,
 * `…@sha256:…`), or only a tag (`1.4.2`) or a digest (`sha256:…`), which then applies to the service's own
 * image repository. Pure.
 */
import { invalidField } from '@cite/errors';
import { isImageDigest, parseImageReference, pinnedImageReferenceErrors } from '@cite/model';

/** Docker's tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** What starts a digest; `registry:5000/app` does not. */
const DIGEST_ALGORITHM = /^sha(?:256|384|512):/i;

export interface DeployImage {
  /** The reference the release records (`repository[:tag][@digest]`). */
  image: string;
  /** The digest when the reference names one. */
  digest?: string;
}

/** Throws `InputError` at `path` when `given` is neither a tag, a digest nor a pinned reference. */
export function resolveDeployImage(serviceImage: string, given: string, path = 'image'): DeployImage {
  if (isImageDigest(given)) return { image: `${serviceImage}@${given}`, digest: given };
  // `sha256:zz` also parses as image `sha256` with tag `zz` on Docker Hub: a digest that is not one is refused.
  if (DIGEST_ALGORITHM.test(given)) {
    throw invalidField(path, 'must be a digest: sha256: followed by 64 lowercase hex digits');
  }
  if (TAG.test(given)) return { image: `${serviceImage}:${given}` };
  const problems = pinnedImageReferenceErrors(given);
  if (problems.length > 0) {
    throw invalidField(
      path,
      'must be a tag (1.4.2), a digest (sha256:…) or an image reference with a tag or digest (registry/team/app:1.4.2)',
    );
  }
  const digest = parseImageReference(given)?.digest;
  return digest === undefined ? { image: given } : { image: given, digest };
}
