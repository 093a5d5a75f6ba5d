/**
 * The API's description, without authentication: `/api/v1/openapi.json` and the page at `/api/docs` (where `/`
 * leads when no web UI is built: routes/web.ts).
 */
import { Router } from 'express';
import { DOCS_PAGE, DOCS_PAGE_CSP } from '../openapi/docs-page';
import { openApiDocument } from '../openapi/document';

export function docsRoutes(): Router {
  const router = Router();
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/api/docs', (_req, res) => {
    res.type('html').set('content-security-policy', DOCS_PAGE_CSP).send(DOCS_PAGE);
  });
  return router;
}
