import type { Service } from '@cite/model';

/** What every panel of the Service page takes. */
export interface PanelProps {
  service: Service;
  /** Called after a change the API accepted (the page reads the service again). */
  onChanged?: () => void;
}

/** Why a service takes no changes, or undefined when it does. */
export function lockedReason(state: Service['state']): string | undefined {
  if (state === 'deleting') return 'This service is being deleted; it takes no changes until that is done.';
  if (state === 'deleted') return 'This service was deleted; it takes no changes.';
  return undefined;
}
