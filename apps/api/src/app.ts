import express, { type Express } from 'express';
import { errorHandler, healthRoutes, notFound, requestContext, type DependencyCheck } from '@cite/http';
import type { Logger } from '@cite/logging';

export interface ApiDeps {
  logger: Logger;
  /** What /readyz asks: etcd and Redis. */
  dependencies: DependencyCheck[];
  shuttingDown?: () => boolean;
}

/** The API's Express app: wiring only. Routes for services, releases and tokens mount here as they arrive. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestContext(deps.logger));
  app.use(healthRoutes(deps.dependencies, deps.shuttingDown));
  app.use(express.json({ limit: '1mb' }));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
