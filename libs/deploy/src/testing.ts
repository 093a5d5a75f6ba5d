/**
 * Test helpers (`@cite/deploy/testing`); never imported by production code: a real Docker Registry v2 (Debian's
 * `docker-registry`) on a free loopback port in a temporary directory, and pushing a minimal image to it over the
 * HTTP API. The registry and push code live in `@cite/local-services` (`npm start` uses them too).
 */
import fs from 'node:fs';
import { pushImage, startRegistry as startLocalRegistry } from '@cite/local-services';

export interface RunningRegistry {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  /** Pushes a one-layer image `<repository>:<tag>` (repository without host); resolves with its manifest digest. */
  push(repository: string, tag: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `docker-registry serve` with filesystem storage in a temporary directory. */
export async function startRegistry(): Promise<RunningRegistry> {
  const registry = await startLocalRegistry();
  return {
    url: registry.url,
    host: registry.host,
    push: (repository, tag) => pushImage(registry.url, repository, tag),
    async stop() {
      await registry.stop();
      fs.rmSync(registry.dataDir, { recursive: true, force: true });
    },
  };
}
