/**
 * The API's description, without authentication: `/api/v1/openapi.json` and the page at `/api/docs`, where
 * `/` leads a browser until the web UI is served there.
 */
import { Router } from 'express';
import { DOCS_PAGE, DOCS_PAGE_CSP } from '../openapi/docs-page';
import { openApiDocument } from '../openapi/document';

export function docsRoutes(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.redirect(302, '/api/docs');
  });
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/api/docs', (_req, res) => {
    res.type('html').set('content-security-policy', DOCS_PAGE_CSP).send(DOCS_PAGE);
  });
  return router;
}
