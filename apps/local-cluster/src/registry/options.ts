/** Query options of list and watch (metav1.ListOptions). */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
}

/** Options of create, update and patch. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
  /**
   * The caller hands the body over (freshly decoded from a request, referenced nowhere else): create may
   * build the object in it instead of working on a deep copy. Not a query option.
   */
  bodyHandedOver?: boolean;
  /** The request's User-Agent: names the manager of a write without fieldManager, as kube derives it. */
  userAgent?: string;
  /** Server-side apply has written the managedFields already: the registry records no Update entry. */
  fieldsRecorded?: boolean;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

/** metav1.DeleteOptions, from the body or the query. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
