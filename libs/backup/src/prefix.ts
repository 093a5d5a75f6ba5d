import { InputError } from '@cite/errors';

/** Where cite keeps its records in etcd (the store's default, `CITE_ETCD_PREFIX`). */
export const DEFAULT_PREFIX = '/cite/v1/';

/** A key prefix as the store uses one: starts with `/`, ends with `/` (added when missing). */
export function normalizePrefix(prefix: string): string {
  if (!prefix.startsWith('/')) throw new InputError(`etcd prefix must start with "/": ${prefix}`);
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}
