/**
 * Rounds of deploys in a closed loop, for the deploy overhead: each service has one deploy in flight at a time
 * and deploys again when the last one has its verdict (so none is superseded and none queues behind another's
 * rollout of the same service for the service lock). A raw Deployment watch sees when each new image reaches
 * the cluster.
 */
import { watchDeployments } from './deployment-watch';
import { deploy, TEAM } from './services';
import type { Stack } from './stack';

export interface DeploySample {
  /** 0 for each service's first deploy in this run. */
  round: number;
  /** API 202 → the new image on the Deployment's pod template, ms. */
  overhead: number;
  /** API 202 → the release's `startedAt` (the deployer took the job and holds the service lock), ms. */
  toStart?: number;
  /** API 202 → the verdict on the release's event stream, ms. */
  verdict: number;
}

export interface RoundsRun {
  samples: DeploySample[];
  /** Releases that did not succeed: `<service>#<n> <status>: <message>`. */
  failures: string[];
  seconds: number;
}

export interface RoundsOptions {
  services: string[];
  rounds: number;
  /** Round n deploys `registry.local/<TEAM>/<service>:<tag><n>`; a tag not used before on these services. */
  tag: string;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `rounds` deploys of every service, all services at once, each service's deploys one after another. */
export async function deployRounds(stack: Stack, options: RoundsOptions): Promise<RoundsRun> {
  const firstSeen = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const watch = watchDeployments(stack.clusterUrl, (key, at) => {
    if (firstSeen.has(key)) return;
    firstSeen.set(key, at);
    waiters.get(key)?.(at);
  });
  const onCluster = (key: string) =>
    new Promise<number>((resolve) => {
      const at = firstSeen.get(key);
      if (at !== undefined) resolve(at);
      else waiters.set(key, resolve);
    });
  await watch.ready;
  const samples: DeploySample[] = [];
  const failures: string[] = [];
  const started = performance.now();
  try {
    await Promise.all(
      options.services.map(async (name) => {
        for (let round = 0; round < options.rounds; round++) {
          const image = `registry.local/${TEAM}/${name}:${options.tag}${round}`;
          const seen = onCluster(`${name} ${image}`);
          const { release, acceptedAt, acceptedWall } = await deploy(stack.call, name, image);
          const at = await within(seen, 60_000, `${name} ${image} not on the cluster`);
          const done = await stack.verdictOf(name, release);
          const verdict = performance.now() - acceptedAt;
          if (done.status !== 'succeeded')
            failures.push(`${name}#${release} ${done.status}: ${done.message}`);
          const stored = await stack.call('GET', `/api/v1/services/${name}/releases/${release}`);
          const startedAt = Date.parse(String(stored.json['startedAt']));
          const toStart = Number.isFinite(startedAt) ? Math.max(0, startedAt - acceptedWall) : undefined;
          samples.push({ round, overhead: Math.max(0, at - acceptedAt), toStart, verdict });
        }
      }),
    );
  } finally {
    watch.stop();
  }
  return { samples, failures, seconds: (performance.now() - started) / 1000 };
}
