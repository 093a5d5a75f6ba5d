/**
 * `status/<service>`: what the cluster runs for a service, as last observed (`ObservedStatus` in `@cite/model`).
 * The deployer and the watcher write it, the api reads it; the last write wins (`put`).
 */
import { InputError, NotFoundError } from '@cite/errors';
import { ObservedStatusSchema, type ObservedStatus } from '@cite/model';
import type { EtcdStore } from './etcd-store';
import { KEYSPACES } from './keys';
import type { Repository, Versioned } from './repository';
import type { RepositoryWatch } from './repository-watch';

export class ObservedStatusStore {
  readonly records: Repository<ObservedStatus>;

  constructor(store: EtcdStore) {
    this.records = store.repository<ObservedStatus>({
      keyspace: KEYSPACES.observedStatus,
      schema: ObservedStatusSchema,
      kind: 'observed status',
      validateId: (id) => {
        if (id.includes('/')) throw new InputError(`service name ${id} must not contain "/"`);
      },
      identify: (status) => status.service,
    });
  }

  get(service: string): Promise<Versioned<ObservedStatus> | null> {
    return this.records.get(service);
  }

  /** Replaces what is known about the service (last write wins). */
  put(status: ObservedStatus): Promise<Versioned<ObservedStatus>> {
    return this.records.put(status.service, status);
  }

  /** Forgets the service (its objects are gone). Resolves whether or not there was a record. */
  async remove(service: string): Promise<void> {
    await this.records.delete(service).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
  }

  /** Changes to records whose id starts with `service`: readers keep only `event.id === service`. */
  watch(service: string, fromRevision?: number): Promise<RepositoryWatch<ObservedStatus>> {
    return this.records.watch({ prefix: service, fromRevision });
  }
}
