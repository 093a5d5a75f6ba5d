/**
 * Drafts that outlive their panel: the Service page shows one tab at a time, so a panel is unmounted when the
 * user looks at another tab, and what they had typed would be lost. A panel's draft state is kept here, in
 * memory, by a key naming the service and the panel, until the page is reloaded or the session ends.
 */
import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { onUnauthenticated, session } from '../api';

const drafts = new Map<string, unknown>();

// A session that ends takes its drafts (which may hold typed secrets) with it.
onUnauthenticated(() => drafts.clear());

/** Forgets every draft (tests; a session that ends). */
export function clearDrafts(): void {
  drafts.clear();
}

/** The draft of the session's token: another sign-in in this tab does not see it. */
const scoped = (key: string) => `${session.token() ?? ''}\n${key}`;

/**
 * `useState` whose value is kept under `key` when the component unmounts and taken up again when it mounts. `key`
 * must not change while mounted (key the component by it).
 */
export function useDraft<T>(key: string, initial: () => T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => {
    const stored = drafts.get(scoped(key));
    return stored === undefined ? initial() : (stored as T);
  });
  useEffect(() => {
    drafts.set(scoped(key), value);
  }, [key, value]);
  return [value, setValue];
}
