/**
 * Test helpers (`@cite/deploy/testing`); never imported by production code: a real Docker Registry v2 (Debian's
 * `docker-registry`) on a free loopback port, and pushing a minimal image to it over the HTTP API.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from '@cite/test-support';

export interface RunningRegistry {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  /** Pushes a one-layer image `<repository>:<tag>` (repository without host); resolves with its manifest digest. */
  push(repository: string, tag: string): Promise<string>;
  stop(): Promise<void>;
}

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Starts `docker-registry serve` with filesystem storage in a temporary directory. */
export async function startRegistry(): Promise<RunningRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const configFile = path.join(dir, 'config.yml');
  fs.writeFileSync(
    configFile,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  const out = fs.openSync(path.join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`docker-registry did not start (log: ${path.join(dir, 'registry.log')})`, {
      cause: error,
    });
  }
  const url = `http://${host}`;

  async function uploadBlob(repository: string, content: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256(content);
    const started = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    if (started.status !== 202)
      throw new Error(`blob upload start: ${started.status} ${await started.text()}`);
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

  return {
    url,
    host,
    async push(repository, tag) {
      const config = await uploadBlob(
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
      const layer = await uploadBlob(repository, Buffer.from(`layer of ${repository}:${tag} ${Date.now()}`));
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...layer }],
      });
      const put = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' },
        body: manifest,
      });
      if (put.status !== 201) throw new Error(`manifest upload: ${put.status} ${await put.text()}`);
      return put.headers.get('docker-content-digest') ?? sha256(manifest);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
