/** Small hooks of the services list: a text box that applies itself after a pause, and a minute clock. */
import { useEffect, useRef, useState } from 'react';

/**
 * A text box's draft of an applied value (a URL filter). Typing changes the draft; after `delayMs` without
 * typing, a valid draft whose normal form differs from the applied value is committed. When the applied value
 * changes from elsewhere (back button, a label chip, "Clear filters") the draft follows it.
 */
export function useDraft(
  applied: string,
  commit: (text: string) => void,
  options: { delayMs?: number; normalize?: (text: string) => string; valid?: (text: string) => boolean } = {},
): [string, (text: string) => void] {
  const { delayMs = 250, normalize = (text: string) => text.trim(), valid = () => true } = options;
  const [draft, setDraft] = useState(applied);
  const [seen, setSeen] = useState(applied);
  if (applied !== seen) {
    setSeen(applied);
    if (normalize(draft) !== applied) setDraft(applied);
  }
  const commitRef = useRef(commit);
  const checks = useRef({ normalize, valid });
  useEffect(() => {
    commitRef.current = commit;
    checks.current = { normalize, valid };
  });
  useEffect(() => {
    const { normalize: norm, valid: ok } = checks.current;
    if (norm(draft) === applied || !ok(draft)) return;
    const timer = setTimeout(() => commitRef.current(draft), delayMs);
    return () => clearTimeout(timer);
  }, [draft, applied, delayMs]);
  return [draft, setDraft];
}

/** `Date.now()`, refreshed every `everyMs` so that ages ("3 min ago") move on. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
