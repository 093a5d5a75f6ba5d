/**
 * The etcd locks held now (`GET /api/v1/locks`, refreshed every 5 s) and releasing one: a confirmation dialog,
 * then `DELETE /api/v1/locks/<name>`, which revokes the holder's lease (the holder notices and stops). The
 * API's answer stays shown above the table.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Link } from 'react-router';
import { api, ApiError } from '../api';
import { utcTime } from './audit';
import { leaseText, lockPath, lockService, type LockView } from './locks';
import './operations.css';
import { TableWrap } from '../components/TableWrap';

export const LOCKS_KEY = ['locks'] as const;

export const fetchLocks = (signal?: AbortSignal) =>
  api<{ items: LockView[] }>('/locks', signal ? { signal } : {});

type Outcome = { kind: 'released'; name: string } | { kind: 'failed'; name: string; message: string };

export function Locks() {
  const client = useQueryClient();
  const locks = useQuery({
    queryKey: LOCKS_KEY,
    queryFn: ({ signal }) => fetchLocks(signal),
    refetchInterval: 5_000,
  });
  const [confirming, setConfirming] = useState<LockView | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const release = useMutation({
    mutationFn: (name: string) => api<void>(lockPath(name), { method: 'DELETE' }),
    onSuccess: (_answer, name) => setOutcome({ kind: 'released', name }),
    onError: (error, name) =>
      setOutcome({
        kind: 'failed',
        name,
        message: error instanceof ApiError ? `${error.message} (HTTP ${error.status})` : error.message,
      }),
    onSettled: () => {
      setConfirming(null);
      void client.invalidateQueries({ queryKey: LOCKS_KEY }); // The list shows what etcd holds now.
    },
  });

  return (
    <section className="panel" aria-labelledby="locks-title">
      <div className="op-head">
        <h2 id="locks-title">Locks</h2>
        <Button className="quiet" isDisabled={locks.isFetching} onPress={() => void locks.refetch()}>
          {locks.isFetching && !locks.isPending ? 'Refreshing…' : 'Refresh'}
        </Button>
      </div>
      <p className="hint">
        Locks held in etcd now. The deployer holds <code>service/&lt;name&gt;</code> while it deploys or
        deletes a service. Releasing a lock revokes its holder&apos;s lease: the holder stops what it was
        doing.
      </p>
      <div aria-live="polite">
        {outcome?.kind === 'released' ? (
          <p className="notice" role="status">
            Lock <code>{outcome.name}</code> released: its holder&apos;s lease was revoked.
          </p>
        ) : outcome?.kind === 'failed' ? (
          <p className="notice error" role="alert">
            Lock <code>{outcome.name}</code> was not released: {outcome.message}
          </p>
        ) : null}
      </div>
      {locks.isPending ? (
        <p className="muted" aria-busy="true">
          Loading locks…
        </p>
      ) : locks.isError && !locks.data ? (
        <p className="error" role="alert">
          The locks could not be loaded: {locks.error.message}
        </p>
      ) : locks.data.items.length === 0 ? (
        <p className="muted">No lock is held.</p>
      ) : (
        <TableWrap label="Locks table">
          <table aria-labelledby="locks-title">
            <thead>
              <tr>
                <th scope="col">Lock</th>
                <th scope="col">Holder</th>
                <th scope="col">Taken</th>
                <th scope="col">Lease</th>
                <th scope="col">Revision</th>
                <th scope="col">
                  <span className="visually-hidden-op">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {locks.data.items.map((lock) => {
                const service = lockService(lock.name);
                return (
                  <tr key={lock.name}>
                    <th scope="row">
                      <code>{lock.name}</code>
                      {service ? (
                        <div>
                          <Link to={`/services/${service}`}>service {service}</Link>
                        </div>
                      ) : null}
                    </th>
                    <td>
                      <code>{lock.owner}</code>
                    </td>
                    <td>
                      <time dateTime={lock.acquiredAt}>{utcTime(lock.acquiredAt)}</time>
                    </td>
                    <td className={lock.ttlRemainingSeconds === null ? 'status-warn' : undefined}>
                      {leaseText(lock)}
                    </td>
                    <td>{lock.revision}</td>
                    <td>
                      <Button
                        className="quiet"
                        aria-label={`Release lock ${lock.name}`}
                        onPress={() => {
                          setOutcome(null);
                          setConfirming(lock);
                        }}
                      >
                        Release…
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      {locks.isError && locks.data ? (
        <p className="notice" role="alert">
          Refreshing failed ({locks.error.message}); showing the last answer.
        </p>
      ) : null}
      <ModalOverlay
        className="op-overlay"
        isOpen={confirming !== null}
        isDismissable={!release.isPending}
        onOpenChange={(open) => {
          if (!open && !release.isPending) setConfirming(null);
        }}
      >
        <Modal className="op-modal">
          <Dialog role="alertdialog" className="op-dialog">
            {confirming ? (
              <>
                <Heading slot="title">Release lock {confirming.name}?</Heading>
                <p>
                  Held by <code>{confirming.owner}</code> since {utcTime(confirming.acquiredAt)}.
                </p>
                <p>
                  Its holder&apos;s lease is revoked at once: the holder notices and stops
                  {lockService(confirming.name)
                    ? ` its work on service ${lockService(confirming.name)} (a deploy in progress stops midway)`
                    : ''}
                  . Release a lock only when its holder is stuck.
                </p>
                <div className="op-dialog-actions">
                  <Button
                    className="quiet"
                    isDisabled={release.isPending}
                    onPress={() => setConfirming(null)}
                  >
                    Cancel
                  </Button>
                  <Button
                    className="danger"
                    isDisabled={release.isPending}
                    onPress={() => release.mutate(confirming.name)}
                  >
                    {release.isPending ? 'Releasing…' : 'Release lock'}
                  </Button>
                </div>
              </>
            ) : null}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </section>
  );
}
