/**
 * charts/cite against a cluster: what the chart installs — rendered by libs/chart with the default values, and with
 * every optional part on — is accepted by `kubectl apply --dry-run=server` (the API server validates and defaults
 * each object, then stores nothing), and an invalid object is refused, so the check can fail.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { defaultValues, manifests } from '@cite/chart';
import { runLocalCluster, type LocalClusterApp } from '@cite/test-support';
import { stringify } from 'yaml';

jest.setTimeout(120_000);

const release = { name: 'cite', namespace: 'cite-system', appVersion: '0.1.0' };
let dir: string;
let cluster: LocalClusterApp;
let kubeconfig: string;

function kubectl(args: string[], input?: string) {
  return spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
    input,
    env: { PATH: process.env['PATH'] ?? '', HOME: dir },
    timeout: 60_000,
  });
}

const documents = (objects: unknown[]) => objects.map((object) => stringify(object)).join('---\n');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-chart-'));
  cluster = await runLocalCluster({ CITE_LOCAL_CLUSTER_CONTROLLERS: 'false' });
  kubeconfig = cluster.kubeconfig;
  expect(kubectl(['create', 'namespace', release.namespace]).status).toBe(0);
});

afterAll(async () => {
  await cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('charts/cite with kubectl apply --dry-run=server', () => {
  it('accepts every object the chart installs with its default values, and stores none', () => {
    const objects = manifests(release);
    const applied = kubectl(['apply', '--dry-run=server', '-f', '-'], documents(objects));
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout.trim().split('\n')).toHaveLength(objects.length);
    for (const line of applied.stdout.trim().split('\n'))
      expect(line).toMatch(/ created \(server dry run\)$/);
    expect(kubectl(['get', 'deployments,cronjobs', '-n', release.namespace, '-o', 'name']).stdout).toBe('');
  });

  it('accepts it with every optional part on', () => {
    const values = defaultValues();
    values.api.autoscaling.enabled = true;
    values.imagePullSecrets = [{ name: 'registry' }];
    const applied = kubectl(['apply', '--dry-run=server', '-f', '-'], documents(manifests(release, values)));
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toMatch(
      /horizontalpodautoscaler\.autoscaling\/cite-api created \(server dry run\)/,
    );
  });

  it('refuses an object the API server would refuse', () => {
    const values = defaultValues();
    values.api.replicas = -1;
    const applied = kubectl(['apply', '--dry-run=server', '-f', '-'], documents(manifests(release, values)));
    expect(applied.status).not.toBe(0);
    expect(applied.stderr).toMatch(/spec\.replicas/);
  });
});
