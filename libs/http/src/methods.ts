/**
 * 405 for a known path asked with a method it does not have (`PUT /api/v1/services/web`), with `Allow`
 * listing the methods it has. The methods come from the router itself (its routes and the routers mounted
 * in it), so the answer cannot drift from what is served.
 */
import { MethodNotAllowedError } from '@cite/errors';
import type { RequestHandler, Router } from 'express';

/** What this module reads of Express's router layers (`router` 2.x; not part of Express's typings). */
interface Layer {
  route?: { methods: Record<string, boolean | undefined> };
  handle: unknown;
  match(path: string): false | { path: string };
}

const stackOf = (handle: unknown): Layer[] | undefined => {
  const stack = (handle as { stack?: unknown } | null)?.stack;
  return Array.isArray(stack) ? (stack as Layer[]) : undefined;
};

/** A route for every method (`router.all`). */
const ANY = '*';

function matched(layer: Layer, path: string): false | { path: string } {
  try {
    return layer.match(path);
  } catch {
    // A path parameter that does not decode: routing itself answers that (400).
    return false;
  }
}

function collect(stack: readonly Layer[], path: string, into: Set<string>): void {
  for (const layer of stack) {
    const match = matched(layer, path);
    if (!match) continue;
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on) into.add(method === '_all' ? ANY : method.toUpperCase());
      }
      if (layer.route.methods['get']) into.add('HEAD');
      continue;
    }
    const inner = stackOf(layer.handle);
    if (!inner) continue;
    const rest = path.slice(match.path.length);
    collect(inner, rest.startsWith('/') ? rest : `/${rest}`, into);
  }
}

/** The methods `router` answers at `path`, sorted (`*` for a route of every method); empty when none matches. */
export function allowedMethods(router: Router, path: string): string[] {
  const methods = new Set<string>();
  collect(router.stack as unknown as Layer[], path, methods);
  return [...methods].sort();
}

/**
 * Mounted before `router`: a request whose path some route of `router` matches, but with another method,
 * is a 405 with `Allow`. Unknown paths pass (a 404 later); OPTIONS passes (Express answers it).
 */
export function methodNotAllowed(router: Router): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    const allow = allowedMethods(router, req.path);
    if (allow.length === 0 || allow.includes(req.method) || allow.includes(ANY)) {
      next();
      return;
    }
    const path = req.path.length > 200 ? `${req.path.slice(0, 199)}…` : req.path;
    throw new MethodNotAllowedError(allow, `${req.method} is not allowed on ${path}`, {
      details: [{ path: 'method', message: `must be one of ${allow.join(', ')}` }],
    });
  };
}
