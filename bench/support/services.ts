/** Creating services and deploying them through the API, as a client of cite would. */
import type { ApiCall } from './api-client';
import { pool } from './pool';

/** The team the measured services belong to (namespace `cite-bench`). */
export const TEAM = 'bench';

export function serviceBody(name: string, team = TEAM) {
  return { name, team, image: `registry.local/${team}/${name}`, port: 8080 };
}

/** Creates the services, `concurrency` requests in flight; returns the seconds it took. */
export async function createServices(
  call: ApiCall,
  names: string[],
  concurrency: number,
  team = TEAM,
): Promise<number> {
  const started = performance.now();
  await pool(names, concurrency, async (name) => {
    await call('POST', '/api/v1/services', serviceBody(name, team));
  });
  return (performance.now() - started) / 1000;
}

export interface Accepted {
  /** The release the deploy created. */
  release: number;
  /** `performance.now()` when the 202 arrived. */
  acceptedAt: number;
  /** `Date.now()` at the same moment, to compare with the release's timestamps. */
  acceptedWall: number;
}

/** `POST /services/:name/deploys` with a new image; resolves on the 202. */
export async function deploy(call: ApiCall, service: string, image: string): Promise<Accepted> {
  const res = await call('POST', `/api/v1/services/${service}/deploys`, { image });
  const acceptedAt = performance.now();
  const acceptedWall = Date.now();
  if (res.status !== 202) throw new Error(`deploy ${service}: ${res.status}`);
  return { release: (res.json['release'] as { number: number }).number, acceptedAt, acceptedWall };
}
