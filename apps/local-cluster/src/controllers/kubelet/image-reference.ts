/**
 * Image names as containerd prints them, from `@cite/model`'s `resolveImageReference`: `nginx` is
 * `docker.io/library/nginx:latest`; `registry.local:5000/team/app:v1` names its registry because the first
 * component has a dot, a colon or is `localhost`.
 */
import { createHash } from 'node:crypto';
import { resolveImageReference } from '@cite/model';

/** `docker.io/library/nginx:latest`, the form containerd prints in pull errors. */
export function fullImageName(image: string): string {
  const ref = resolveImageReference(image);
  return `${ref.host}/${ref.path}${ref.byDigest ? '@' : ':'}${ref.reference}`;
}

/** A stable `imageID` for a container status (`docker.io/library/nginx@sha256:…`). */
export function imageIdFor(image: string): string {
  const ref = resolveImageReference(image);
  const digest = ref.byDigest
    ? ref.reference
    : `sha256:${createHash('sha256').update(fullImageName(image)).digest('hex')}`;
  return `${ref.host}/${ref.path}@${digest}`;
}

/** The message containerd gives for an image the registry does not have. */
export function notFoundMessage(image: string): string {
  const full = fullImageName(image);
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": ` +
    `failed to resolve reference "${full}": ${full}: not found`
  );
}
