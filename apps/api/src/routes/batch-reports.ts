/**
 * `GET /api/v1/batch/reports` (admins): the newest report of each batch task; `GET /api/v1/batch/reports/:task`:
 * one task's reports, newest first, paginated. Reports cover every team's services and nodes, hence admins only.
 */
import { invalidField } from '@cite/errors';
import { BATCH_TASKS, BatchTaskSchema } from '@cite/model';
import type { MetadataStore } from '@cite/store';
import { Router } from 'express';
import { adminOnly } from '../http/admin';
import { pageQuery } from '../http/params';

export function batchReportRoutes(deps: { store: MetadataStore }): Router {
  const router = Router();
  router.get('/batch/reports', adminOnly, async (_req, res) => {
    res.json({ items: await deps.store.batchReports.latest() });
  });
  router.get('/batch/reports/:task', adminOnly, async (req, res) => {
    const task = BatchTaskSchema.safeParse(req.params['task']);
    if (!task.success) throw invalidField('task', `must be one of ${BATCH_TASKS.join(', ')}`);
    const page = await deps.store.batchReports.list(task.data, pageQuery(req));
    res.json({
      items: page.items.map((item) => item.value),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    });
  });
  return router;
}
