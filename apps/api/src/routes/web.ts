/**
 * The web UI (apps/web, built by `npm run build` into `dist/apps/web`) at `/`, from the same origin as the API:
 * hashed files under `/assets/` cached for a year, `index.html` never cached, and every other page path
 * (`/services/web`, `/network`…) answered with `index.html` for the UI's router. Without a built UI, `/` leads to
 * the API's docs as before. The API, health and metrics paths are never the UI's.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/** The UI's policy: its own scripts only; inline styles for the component library's positioning. */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const NOT_THE_UI = /^\/(api|healthz|readyz|metrics)(\/|$)/;

export function webRoutes(webDir: string | undefined): Router {
  const router = Router();
  const index = webDir ? path.join(webDir, 'index.html') : undefined;
  if (!index || !fs.existsSync(index)) {
    router.get('/', (_req, res) => {
      res.redirect(302, '/api/docs');
    });
    return router;
  }
  const page = fs.readFileSync(index);
  const sendPage = (res: express.Response) =>
    res
      .type('html')
      .set({
        'cache-control': 'no-cache',
        'content-security-policy': WEB_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'same-origin',
      })
      .send(page);
  router.use(
    '/assets',
    express.static(path.join(webDir!, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (res) => res.set('x-content-type-options', 'nosniff'),
    }),
  );
  router.get('/', (_req, res) => sendPage(res));
  // Relative to its root: an absolute path through a dot-directory (`.local/`) would be refused.
  router.get('/favicon.svg', (_req, res) => res.sendFile('favicon.svg', { root: webDir! }));
  // The UI's own paths: anything else a browser navigates to that is not the API's.
  router.get(/^\/(?!assets\/).*/, (req, res, next) => {
    if (NOT_THE_UI.test(req.path) || !req.accepts('html') || path.extname(req.path)) return next();
    sendPage(res);
  });
  return router;
}
