/** Loads what `rollback.ts` decides on: the release a rollback returns to, read from the service's history. */
import type { Release, Service } from '@cite/model';
import type { MetadataStore } from '@cite/store';
import {
  checkRollbackTarget,
  isDefaultRollbackTarget,
  noDefaultTarget,
  type RollbackContext,
} from './rollback';

/** The release `to` names, or by default the newest that succeeded before the running one. */
export async function findRollbackTarget(
  store: MetadataStore,
  service: Service,
  to: number | undefined,
): Promise<Release> {
  const context: RollbackContext = { running: service.currentRelease, since: service.createdAt };
  if (to !== undefined) {
    if (context.running === undefined) context.running = (await newestSucceeded(store, service))?.number;
    const target = await store.releases.get(service.name, to);
    return checkRollbackTarget(to, target?.value ?? null, context);
  }
  for await (const item of store.releases.records.all({ prefix: `${service.name}/`, order: 'desc' })) {
    const release = item.value;
    if (Date.parse(release.createdAt) < Date.parse(context.since)) break;
    if (context.running === undefined && release.status === 'succeeded') {
      context.running = release.number;
      continue;
    }
    if (isDefaultRollbackTarget(release, context)) return release;
  }
  throw noDefaultTarget(context);
}

async function newestSucceeded(store: MetadataStore, service: Service): Promise<Release | null> {
  for await (const item of store.releases.records.all({ prefix: `${service.name}/`, order: 'desc' })) {
    if (Date.parse(item.value.createdAt) < Date.parse(service.createdAt)) return null;
    if (item.value.status === 'succeeded') return item.value;
  }
  return null;
}
