/** Pieces the panels share: the API's refusal of a change, and what an accepted change made. */
import type { Release } from '@cite/model';
import type { FieldIssue } from '../api';

/** The API's message, and the issues at no field of the form with their paths as the API wrote them. */
export function Problem({ message, issues = [] }: { message: string; issues?: readonly FieldIssue[] }) {
  return (
    <div role="alert" className="error sp-problem">
      <p>{message}</p>
      {issues.length > 0 ? (
        <ul>
          {issues.map((issue, index) => (
            <li key={`${issue.path}-${index}`}>
              {issue.path ? <code>{issue.path}</code> : null}
              {issue.path ? ': ' : ''}
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

const STATUS_TEXT: Record<Release['status'], string> = {
  pending: 'pending',
  in_progress: 'in progress',
  succeeded: 'succeeded',
  failed: 'failed',
  superseded: 'superseded',
};

/** What an accepted change did: the release it made (202), or that nothing needed releasing (200). */
export function Outcome({ release, what }: { release: Release | null | undefined; what: string }) {
  return (
    <p role="status" className="notice sp-outcome">
      {release ? (
        <>
          {what} saved: release <strong>#{release.number}</strong> ({release.cause},{' '}
          {STATUS_TEXT[release.status]}) is on its way. Its progress shows on the Overview.
        </>
      ) : (
        <>{what} saved; nothing needed a new release.</>
      )}
    </p>
  );
}
