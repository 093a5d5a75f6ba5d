/**
 * Docker image references as containerd reads them: `nginx` is `docker.io/library/nginx:latest`;
 * `registry.local:5000/team/app:v1` names its registry because the first component has a dot, a colon or is
 * `localhost`.
 */
import { createHash } from 'node:crypto';

export interface ImageReference {
  /** `docker.io`, `127.0.0.1:5000`, … */
  host: string;
  /** The repository inside the registry: `library/nginx`, `team/app`. */
  repository: string;
  /** The tag, or the digest (`sha256:…`) for references by digest. */
  reference: string;
  byDigest: boolean;
}

export function parseImageReference(image: string): ImageReference {
  let rest = image.trim();
  let host = 'docker.io';
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      host = first;
      rest = rest.slice(slash + 1);
    }
  }
  let reference = 'latest';
  let byDigest = false;
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
    byDigest = true;
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  const repository = host === 'docker.io' && !rest.includes('/') ? `library/${rest}` : rest;
  return { host, repository, reference, byDigest };
}

/** `docker.io/library/nginx:latest`, the form containerd prints in pull errors. */
export function fullImageName(image: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}${ref.byDigest ? '@' : ':'}${ref.reference}`;
}

/** A stable `imageID` for a container status (`docker.io/library/nginx@sha256:…`). */
export function imageIdFor(image: string): string {
  const ref = parseImageReference(image);
  const digest = ref.byDigest
    ? ref.reference
    : `sha256:${createHash('sha256').update(fullImageName(image)).digest('hex')}`;
  return `${ref.host}/${ref.repository}@${digest}`;
}

/** The message containerd gives for an image the registry does not have. */
export function notFoundMessage(image: string): string {
  const full = fullImageName(image);
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": ` +
    `failed to resolve reference "${full}": ${full}: not found`
  );
}
