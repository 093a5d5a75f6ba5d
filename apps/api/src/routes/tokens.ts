/** `/api/v1/tokens` (admins): create (the secret is shown once), list (no secrets), delete. */
import { planToken, tokenView } from '@cite/auth';
import { ConflictError, notFoundAt } from '@cite/errors';
import type { MetadataStore } from '@cite/store';
import { Router } from 'express';
import { adminOnly } from '../http/admin';
import { audited, changeEntry, markRecorded } from '../http/audit';
import { auditDetails, principalOf } from '../http/locals';
import { pageQuery, pathParam } from '../http/params';

export function tokenRoutes(deps: { store: MetadataStore; now: () => Date }): Router {
  const router = Router();

  router.post(
    '/tokens',
    audited('token.create', () => 'token/new'),
    adminOnly,
    async (req, res) => {
      const planned = planToken(req.body, { now: deps.now(), createdBy: principalOf(res).actor });
      if (res.locals.audit) res.locals.audit.target = `token/${planned.token.id}`;
      auditDetails(res, { name: planned.token.name, role: planned.token.role, teams: planned.token.teams });
      // The token and its audit entry land together.
      const batch = deps.store.etcd.batch().create(deps.store.tokens, planned.token.id, planned.token);
      const entry = changeEntry(req, res, 201, deps.now());
      if (entry) deps.store.audit.appendTo(batch, entry);
      if (!(await batch.commit(`create token ${planned.token.id}`))) {
        throw new ConflictError(`token ${planned.token.id} already exists; try again`);
      }
      markRecorded(res);
      res
        .status(201)
        .set('cache-control', 'no-store')
        .json({ token: tokenView(planned.token), secret: planned.secret });
    },
  );

  // Any token: who it is (the web UI's header and team switcher).
  router.get('/whoami', (_req, res) => {
    const principal = principalOf(res);
    res.set('cache-control', 'no-store').json({
      actor: principal.actor,
      name: principal.name,
      role: principal.role,
      teams: principal.teams,
      ...(principal.tokenId ? { tokenId: principal.tokenId } : {}),
    });
  });

  router.get('/tokens', adminOnly, async (req, res) => {
    const page = await deps.store.tokens.list(pageQuery(req));
    res.json({
      items: page.items.map((item) => tokenView(item.value)),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    });
  });

  router.delete(
    '/tokens/:id',
    audited('token.revoke', (req) => `token/${pathParam(req, 'id')}`),
    adminOnly,
    async (req, res) => {
      const id = pathParam(req, 'id');
      if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw notFoundAt('id', `token ${id} not found`);
      const found = await deps.store.tokens.get(id);
      if (!found) throw notFoundAt('id', `token ${id} not found`);
      // The revocation and its audit entry land together; a token deleted meanwhile is gone either way.
      const batch = deps.store.etcd.batch().delete(deps.store.tokens, id, found.modRevision);
      const entry = changeEntry(req, res, 204, deps.now());
      if (entry) deps.store.audit.appendTo(batch, entry);
      if (!(await batch.commit(`revoke token ${id}`))) throw notFoundAt('id', `token ${id} not found`);
      markRecorded(res);
      res.status(204).end();
    },
  );

  return router;
}
