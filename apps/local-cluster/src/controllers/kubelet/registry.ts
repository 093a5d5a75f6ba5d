/**
 * "Is this image in the registry?" over the Docker Registry v2 API, as containerd's resolver asks it before a
 * pull: `GET {registry}/v2/<repository>/manifests/<tag>` accepting the manifest and index media types. Images
 * in other registries than the configured one are taken to be present (there is no internet here to ask).
 * Answers are cached briefly so a Deployment of ten pods asks once.
 */
import { resolveImageReference } from '@cite/model';
import { notFoundMessage } from './image-reference';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** null: the image can be pulled; a string: containerd's error for the failed pull. */
export type PullCheck = string | null;

export interface ImageChecker {
  /** The cached answer, if fresh. */
  cached(image: string): PullCheck | undefined;
  check(image: string): Promise<PullCheck>;
}

export interface RegistryCheckerOptions {
  registryUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** How long an answer is reused. @defaultValue 2000 */
  ttlMs?: number;
}

export function createRegistryChecker(options: RegistryCheckerOptions): ImageChecker {
  const base = new URL(options.registryUrl);
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 2000;
  const answers = new Map<string, { result: PullCheck; at: number }>();
  const inFlight = new Map<string, Promise<PullCheck>>();

  const ask = async (image: string): Promise<PullCheck> => {
    const ref = resolveImageReference(image);
    if (ref.host !== base.host) return null;
    const url = new URL(`/v2/${ref.path}/manifests/${ref.reference}`, base);
    try {
      const response = await doFetch(url, {
        headers: { Accept: MANIFEST_TYPES },
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (response.ok) return null;
      if (response.status === 404) return notFoundMessage(image);
      if (response.status === 401 || response.status === 403)
        return `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
      return `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": unexpected status from GET request to ${url}: ${response.status} ${response.statusText}`;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Get "${url}": ${message}`;
    }
  };

  return {
    cached(image) {
      const answer = answers.get(image);
      return answer && now() - answer.at <= ttlMs ? answer.result : undefined;
    },
    check(image) {
      const cached = this.cached(image);
      if (cached !== undefined) return Promise.resolve(cached);
      let pending = inFlight.get(image);
      if (!pending) {
        pending = ask(image).then((result) => {
          answers.set(image, { result, at: now() });
          inFlight.delete(image);
          return result;
        });
        inFlight.set(image, pending);
      }
      return pending;
    },
  };
}

/** Without a registry every image is present. */
export const ALL_IMAGES_PRESENT: ImageChecker = {
  cached: () => null,
  check: () => Promise.resolve(null),
};
