/**
 * Which image a deploy runs. A deploy names either a full reference (`registry.local:5000/team/app:1.4.2`,
 * `…@sha256:…`), or only a tag (`1.4.2`) or a digest (`sha256:…`), which then applies to the service's own
 * image repository. Pure.
 */
import { isImageDigest, parseImageReference, pinnedImageReferenceErrors } from '@cite/model';
import { invalidField } from './field-errors';

/** Docker's tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface DeployImage {
  /** The reference the release records (`repository[:tag][@digest]`). */
  image: string;
  /** The digest when the reference names one. */
  digest?: string;
}

/** Throws `InputError` at `path` when `given` is neither a tag, a digest nor a pinned reference. */
export function resolveDeployImage(serviceImage: string, given: string, path = 'image'): DeployImage {
  if (isImageDigest(given)) return { image: `${serviceImage}@${given}`, digest: given };
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
