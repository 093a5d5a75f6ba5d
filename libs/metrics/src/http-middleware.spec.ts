import express, { Router } from 'express';
import request from 'supertest';
import { createMetrics } from './cite-metrics';
import { parseExposition, sumOf } from './exposition';
import { httpMetrics } from './http-middleware';

describe('httpMetrics', () => {
  const metrics = createMetrics({ processMetrics: false });
  const services = Router();
  services.get('/services/:name', (req, res) => {
    res.json({ name: req.params['name'] });
  });
  services.delete('/services/:name', () => {
    throw new Error('refused');
  });
  const app = express();
  app.use(httpMetrics(metrics));
  app.use('/api/v1', services);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'none' });
  });
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: 'internal' });
  });

  it('labels requests by route template and status, never by the raw path', async () => {
    await request(app).get('/api/v1/services/web').expect(200);
    await request(app).get('/api/v1/services/payments-api').expect(200);
    await request(app).delete('/api/v1/services/web').expect(500);
    await request(app).get('/healthz').expect(200);
    await request(app).get('/api/v1/services/web/nothing').expect(404);
    await request(app).get('/no/such/path').expect(404);
    const families = parseExposition(await metrics.exposition());
    const count = (labels: Record<string, string>) =>
      sumOf(families, 'cite_http_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/api/v1/services/:name', status: '200' })).toBe(2);
    // The error unwound the router before the answer: the route is still the one that threw.
    expect(count({ method: 'DELETE', route: '/api/v1/services/:name', status: '500' })).toBe(1);
    expect(count({ method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(2);
    const routes = new Set(
      families.get('cite_http_request_duration_seconds')!.samples.map((sample) => sample.labels['route']),
    );
    expect([...routes].sort()).toEqual(['/api/v1/services/:name', '/healthz', 'unmatched']);
  });

  it('leaves req.route readable for the handlers', async () => {
    const probe = express();
    probe.use(httpMetrics(metrics));
    probe.get('/probe/:id', (req, res) => {
      res.json({ path: (req.route as { path: string }).path });
    });
    const response = await request(probe).get('/probe/1').expect(200);
    expect(response.body).toEqual({ path: '/probe/:id' });
  });
});
