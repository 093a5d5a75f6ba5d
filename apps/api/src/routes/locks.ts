/**
 * `/api/v1/locks` (admins): the etcd locks held now (the deployer's per-service locks among them), and
 * breaking one — its holder's lease is revoked, and the holder notices and stops.
 */
import { notFoundAt } from '@cite/errors';
import type { MetadataStore } from '@cite/store';
import { Router, type Request } from 'express';
import { adminOnly } from '../http/admin';
import { audited } from '../http/audit';
import { pathParam } from '../http/params';

const lockName = (req: Request) => pathParam(req, 'name');

export function lockRoutes(deps: { store: MetadataStore }): Router {
  const router = Router();
  router.get('/locks', adminOnly, async (_req, res) => {
    res.set('cache-control', 'no-store').json({ items: await deps.store.etcd.listLocks() });
  });
  // Lock names contain '/' (`deploy/web`): the name is the rest of the path, or one %2F-encoded segment.
  router.delete(
    '/locks/*name',
    audited('lock.break', (req) => `lock/${lockName(req)}`),
    adminOnly,
    async (req, res) => {
      const name = lockName(req);
      if (
        !/^[\x21-\x7e]{1,512}$/.test(name) ||
        name.split('/').some((part) => part === '' || part === '.' || part === '..')
      ) {
        throw notFoundAt('name', `lock ${name} is not held`);
      }
      if (!(await deps.store.etcd.breakLock(name))) throw notFoundAt('name', `lock ${name} is not held`);
      res.status(204).end();
    },
  );
  return router;
}
