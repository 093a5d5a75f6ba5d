/**
 * "Does this image exist?" over the Docker Registry v2 API (`HEAD /v2/<name>/manifests/<reference>`), asked
 * before a release is applied so a typo fails in a second instead of after the rollout's progress deadline.
 */
import { UnavailableError } from '@cite/errors';
import { parseImageReference } from '@cite/model';

export type ImageCheck =
  /** The registry has it; `digest` when it said (`Docker-Content-Digest`). */
  | { found: true; digest?: string }
  /** The image names another registry than the configured one: not checked. */
  | { found: true; skipped: true }
  | { found: false; status: number };

export interface ImageRegistry {
  readonly url: string;
  /** Throws `UnavailableError` when the registry cannot answer (unreachable, 5xx): retry later. */
  check(image: string): Promise<ImageCheck>;
}

export interface RegistryOptions {
  /** Base URL, `http://127.0.0.1:5000`. */
  url: string;
  /** @defaultValue 5000 */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Registry host and path of an image reference, the way Docker splits it (`host[:port]/path`). */
export function splitImage(image: string): { host: string; path: string; reference: string } | null {
  const parsed = parseImageReference(image);
  if (!parsed) return null;
  const slash = parsed.repository.indexOf('/');
  const first = slash > 0 ? parsed.repository.slice(0, slash) : '';
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const host = hasHost ? first : 'docker.io';
  let path = hasHost ? parsed.repository.slice(slash + 1) : parsed.repository;
  if (!hasHost && !path.includes('/')) path = `library/${path}`;
  const reference = parsed.digest ?? parsed.tag ?? 'latest';
  return { host, path, reference };
}

export function createImageRegistry(options: RegistryOptions): ImageRegistry {
  const base = new URL(options.url);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    url: options.url,
    async check(image) {
      const parts = splitImage(image);
      if (!parts || parts.host !== base.host) return { found: true, skipped: true };
      const url = new URL(`/v2/${parts.path}/manifests/${parts.reference}`, base);
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'HEAD',
          headers: { Accept: MANIFEST_TYPES },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new UnavailableError(
          'registry',
          `registry ${base.host} unreachable: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      await response.body?.cancel();
      if (response.ok) {
        const digest = response.headers.get('docker-content-digest');
        return digest ? { found: true, digest } : { found: true };
      }
      if (response.status >= 500 || response.status === 429) {
        throw new UnavailableError(
          'registry',
          `registry ${base.host} answered ${response.status} for ${image}`,
        );
      }
      return { found: false, status: response.status };
    },
  };
}
