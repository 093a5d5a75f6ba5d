/** `GET /api/v1/audit` (admins): the audit trail, newest first, paginated; `?during=2024-05-01T12` narrows it. */
import { invalidField } from '@cite/errors';
import type { MetadataStore } from '@cite/store';
import { Router } from 'express';
import { adminOnly } from '../http/admin';
import { pageQuery, queryString } from '../http/params';

const DURING = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2})?)?)?)?$/;

export function auditRoutes(deps: { store: MetadataStore }): Router {
  const router = Router();
  router.get('/audit', adminOnly, async (req, res) => {
    const during = queryString(req, 'during');
    if (during !== undefined && !DURING.test(during)) {
      throw invalidField(
        'during',
        'must be a UTC time prefix: 2024, 2024-05, 2024-05-01, 2024-05-01T12 or 2024-05-01T12:30',
      );
    }
    const page = await deps.store.audit.list({
      ...pageQuery(req),
      ...(during === undefined ? {} : { during }),
    });
    res.json({
      items: page.items.map((item) => item.value),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    });
  });
  return router;
}
