import { Router } from 'express';

/** One dependency the process needs to do its work (etcd, Redis, the cluster). `check` throws when it is not ok. */
export interface DependencyCheck {
  name: string;
  check(): Promise<void>;
}

export interface DependencyStatus {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** Runs every check concurrently, each bounded by `timeoutMs`. */
export async function checkDependencies(
  checks: readonly DependencyCheck[],
  timeoutMs = 2_000,
): Promise<{ ok: boolean; dependencies: Record<string, DependencyStatus> }> {
  const results = await Promise.all(
    checks.map(async (dep) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          dep.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [dep.name, { ok: true, latencyMs: Math.round(performance.now() - started) }] as const;
      } catch (error) {
        return [
          dep.name,
          { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message },
        ] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const dependencies = Object.fromEntries(results);
  return { ok: results.every(([, s]) => s.ok), dependencies };
}

/**
 * `/healthz`: the process is up and serving (no dependency is asked).
 * `/readyz`: every dependency answers; 200 or 503 with JSON per dependency.
 */
export function healthRoutes(
  checks: readonly DependencyCheck[],
  isShuttingDown: () => boolean = () => false,
): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const result = await checkDependencies(checks);
    const ok = result.ok && !isShuttingDown();
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({
        status: ok ? 'ok' : isShuttingDown() ? 'shutting_down' : 'unavailable',
        dependencies: result.dependencies,
      });
  });
  return router;
}
