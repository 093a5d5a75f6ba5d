export { jsonBody } from './body';
export { allowedMethods, methodNotAllowed } from './methods';
export { errorHandler, notFound, requestContext } from './middleware';
export { checkDependencies, healthRoutes, type DependencyCheck, type DependencyStatus } from './health';
export { exitOnSignals, serve, type RunningServer, type ServeOptions } from './serve';
