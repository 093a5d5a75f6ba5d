/**
 * A real Docker Registry v2 (Debian's `docker-registry`) on loopback for `npm start` and tests, and pushing a
 * minimal one-layer image to any Registry v2 over its HTTP API (no Docker needed).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer, type ManagedProcess, type ServerOptions } from './processes';

export interface RegistryOptions extends ServerOptions {
  /** Storage and config live here (`data/`, `config.yml`, `registry.log`). Default: a temporary directory. */
  dataDir?: string;
  port?: number;
}

export interface RunningRegistry extends ManagedProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`, the registry part of image references. */
  readonly host: string;
  readonly dataDir: string;
  /** The config file `docker-registry serve` runs with (its path is on the command line). */
  readonly configFile: string;
}

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Starts `docker-registry serve` with filesystem storage under `dataDir`. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cite-registry-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const configFile = path.join(dataDir, 'config.yml');
  fs.writeFileSync(
    configFile,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dataDir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  const managed = await startServer(
    {
      command: options.command ?? 'docker-registry',
      args: ['serve', configFile],
      logFile: path.join(dataDir, 'registry.log'),
      port,
    },
    options,
  );
  return {
    ...managed,
    url: `http://${host}`,
    host,
    dataDir,
    configFile,
  };
}

async function uploadBlob(
  url: string,
  repository: string,
  content: Buffer,
): Promise<{ digest: string; size: number }> {
  const digest = sha256(content);
  const started = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (started.status !== 202) throw new Error(`blob upload start: ${started.status} ${await started.text()}`);
  const location = new URL(started.headers.get('location') ?? '', url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(content.length) },
    body: content,
  });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
  return { digest, size: content.length };
}

/**
 * Pushes a one-layer image `<repository>:<tag>` (repository without host) to the Registry v2 at `url`
 * (`http://127.0.0.1:5000`); resolves with its manifest digest.
 */
export async function pushImage(url: string, repository: string, tag: string): Promise<string> {
  const base = url.replace(/\/+$/, '');
  const config = await uploadBlob(
    base,
    repository,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    ),
  );
  const layer = await uploadBlob(
    base,
    repository,
    Buffer.from(`layer of ${repository}:${tag} ${Date.now()}`),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...layer }],
  });
  const put = await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' },
    body: manifest,
  });
  if (put.status !== 201) throw new Error(`manifest upload: ${put.status} ${await put.text()}`);
  return put.headers.get('docker-content-digest') ?? sha256(manifest);
}
