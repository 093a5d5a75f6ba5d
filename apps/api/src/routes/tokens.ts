/** `/api/v1/tokens` (admins): create (the secret is shown once), list (no secrets), delete. */
import { planToken, tokenView } from '@cite/auth';
import { notFoundAt } from '@cite/catalog';
import { NotFoundError } from '@cite/errors';
import type { MetadataStore } from '@cite/store';
import { Router } from 'express';
import { adminOnly } from '../http/admin';
import { audited } from '../http/audit';
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
      await deps.store.tokens.create(planned.token.id, planned.token);
      if (res.locals.audit) res.locals.audit.target = `token/${planned.token.id}`;
      auditDetails(res, { name: planned.token.name, role: planned.token.role, teams: planned.token.teams });
      res
        .status(201)
        .set('cache-control', 'no-store')
        .json({ token: tokenView(planned.token), secret: planned.secret });
    },
  );

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
      try {
        await deps.store.tokens.delete(id);
      } catch (error) {
        if (error instanceof NotFoundError) throw notFoundAt('id', `token ${id} not found`);
        throw error;
      }
      res.status(204).end();
    },
  );

  return router;
}
