/**
 * `/operations` (admins): the locks held now, with releasing one, the batch tasks' reports, and the audit trail.
 * The nav shows the page to admins only; a member who opens it is told so from the API's own 403 (one request,
 * the locks', is made).
 */
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api';
import { useSession } from '../session';
import { AuditLog } from '../operations/AuditLog';
import { BatchReports } from '../operations/BatchReports';
import { fetchLocks, Locks, LOCKS_KEY } from '../operations/Locks';
import '../operations/operations.css';

export default function Operations() {
  const { isAdmin } = useSession();
  // A member's request answers 403 and the page says why; an admin's is the locks list itself (shared cache).
  const probe = useQuery({
    queryKey: LOCKS_KEY,
    queryFn: ({ signal }) => fetchLocks(signal),
    enabled: !isAdmin,
  });
  const forbidden = probe.error instanceof ApiError && probe.error.status === 403 ? probe.error : undefined;

  if (!isAdmin) {
    return (
      <>
        <h1>Operations</h1>
        {forbidden ? (
          <div className="panel" role="alert">
            <p>
              <strong>Operations is for admins only.</strong> The audit log, the locks and the batch reports
              are not shown to members.
            </p>
            <p className="hint">The API answered: {forbidden.message}</p>
          </div>
        ) : probe.isPending ? (
          <p className="muted" aria-busy="true">
            Checking access…
          </p>
        ) : probe.isError ? (
          <p className="error" role="alert">
            The API did not answer: {probe.error.message}
          </p>
        ) : (
          // The API let this session through though it is not an admin's: show what it allows.
          <>
            <Locks />
            <BatchReports />
            <AuditLog />
          </>
        )}
      </>
    );
  }
  return (
    <>
      <h1>Operations</h1>
      <Locks />
      <BatchReports />
      <AuditLog />
    </>
  );
}
