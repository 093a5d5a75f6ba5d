/**
 * Preview services: a pull request's own copy of a service, `<service>-pr-<n>`. The name is a DNS-1035 label of
 * at most 63 characters, so a long parent name is cut (and a trailing `-` dropped) to leave room for the suffix.
 */
import { DNS1035_LABEL_MAX_LENGTH } from './names';

/** The preview service of pull request `number` of `parent`. */
export function previewName(parent: string, number: number): string {
  const suffix = `-pr-${number}`;
  const base = parent.slice(0, DNS1035_LABEL_MAX_LENGTH - suffix.length).replace(/-+$/, '');
  return `${base}${suffix}`;
}

/** The GitHub environment a release of a service deploys to: `production`, or `pr-<n>` for a preview. */
export function environmentOf(service: { preview?: { pullRequest: number } }): string {
  return service.preview ? `pr-${service.preview.pullRequest}` : 'production';
}
