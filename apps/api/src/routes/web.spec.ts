import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

// Under a dot-directory, as `.local/test-build/` is.
const webDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cite-web-')), '.build', 'web');
fs.mkdirSync(webDir, { recursive: true });
fs.mkdirSync(path.join(webDir, 'assets'));
fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>cite</title><div id="root"></div>');
fs.writeFileSync(path.join(webDir, 'assets', 'index-Ab12Cd.js'), 'console.log("ui")');
fs.writeFileSync(path.join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');

let h: Harness;
beforeAll(async () => {
  h = await startHarness('web', { webDir });
});
afterAll(async () => {
  await h?.close();
  fs.rmSync(path.dirname(path.dirname(webDir)), { recursive: true, force: true });
});

describe('the web UI at /', () => {
  it('serves its page without a token, never cached, under a strict content security policy', async () => {
    const res = await request(h.app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="root">');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it("answers the UI's own paths with its page, so a reload of /services/web works", async () => {
    for (const page of ['/services', '/services/web', '/network', '/sign-in']) {
      const res = await request(h.app).get(page).set('accept', 'text/html');
      expect([page, res.status]).toEqual([page, 200]);
      expect(res.text).toContain('<div id="root">');
    }
  });

  it('serves hashed assets for a year, and 404 for one that does not exist', async () => {
    const asset = await request(h.app).get('/assets/index-Ab12Cd.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    expect((await request(h.app).get('/assets/gone-123.js')).status).toBe(404);
    expect((await request(h.app).get('/favicon.svg')).status).toBe(200);
  });

  it('leaves the API, health and metrics paths to the API: a JSON 404, a 405, health as before', async () => {
    const missing = await request(h.app).get('/api/v1/nothing-here').set('accept', 'text/html');
    expect(missing.status).toBe(401); // authentication comes first under /api/v1
    const unknown = await request(h.app).get('/api/nothing').set('accept', 'text/html');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await request(h.app).get('/healthz')).status).toBe(200);
    // A page path asked with another method is not the UI's: 404, not 405.
    expect((await request(h.app).post('/services/web')).status).toBe(404);
    // A script or an image that does not exist is a 404, not the page.
    expect((await request(h.app).get('/robots.txt').set('accept', 'text/html')).status).toBe(404);
  });
});

describe('without a built UI', () => {
  it('sends a browser at / to the API docs (302)', async () => {
    const bare = await startHarness('web-bare', { webDir: path.join(webDir, 'missing') });
    try {
      const res = await request(bare.app).get('/');
      expect([res.status, res.headers['location']]).toEqual([302, '/api/docs']);
    } finally {
      await bare.close();
    }
  });
});
