/**
 * `KubeCluster` (plain-JSON reads and applies, its own watch over undici) against a real API server: local-cluster
 * as a process over HTTP, or the cluster named by CITE_TEST_KUBECONFIG.
 */
import { jest } from '@jest/globals';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, UnavailableError } from '@cite/errors';
import {
  CONTAINER_NAME,
  FIELD_MANAGER,
  KubeCluster,
  KubeHttp,
  KubeHttpError,
  PATHS,
  renderService,
} from '@cite/kube';
import { exampleRelease, exampleService } from '@cite/model/testing';
import { freePort } from '@cite/test-support';
import { startTestCluster, type TestCluster } from './support';

jest.setTimeout(60_000);

const service = exampleService({ name: 'kc-web', team: 'kc', replicas: 1, domains: [] });
const rendered = (n: number) =>
  renderService(
    service,
    exampleRelease({ service: service.name, number: n, image: `registry.local/kc/web:${n}` }),
  );
const NAMESPACE = 'cite-kc';

/**
 * Resolves once the client has sent `count` watch requests for Deployments: undici publishes every request it
 * creates on its `undici:request:create` diagnostics channel, whichever dispatcher sends it.
 */
function deploymentWatchRequests(count: number): { reached: Promise<void>; stop(): void } {
  let seen = 0;
  let reached!: () => void;
  const promise = new Promise<void>((resolve) => (reached = resolve));
  const onCreate = (message: unknown) => {
    const { path } = (message as { request: { path: string } }).request;
    if (path.includes('/deployments?') && path.includes('watch=true') && ++seen >= count) reached();
  };
  diagnostics.subscribe('undici:request:create', onCreate);
  return { reached: promise, stop: () => diagnostics.unsubscribe('undici:request:create', onCreate) };
}

describe('KubeCluster against a real API server', () => {
  let test: TestCluster;
  let cluster: KubeCluster;

  beforeAll(async () => {
    test = await startTestCluster({ delays: { containerCreatingMs: 0, startMs: 0, readyMs: 0 } });
    // Watches are renewed every second, so a test sees a renewal happen.
    cluster = KubeCluster.fromKubeconfig({ kubeconfigPath: test.kubeconfig, watchTimeoutSeconds: 1 });
  });

  afterAll(async () => {
    await cluster?.close();
    await test?.stop();
  });

  it('applies idempotently: the same objects again leave the generation as it was', async () => {
    const first = rendered(1);
    await cluster.apply(first.namespace);
    const created = await cluster.apply(first.deployment);
    await cluster.apply(first.service);
    expect(created.metadata?.generation).toBe(1);
    const again = await cluster.apply(rendered(1).deployment);
    expect(again.metadata?.generation).toBe(1);
    const read = await cluster.getDeployment(NAMESPACE, service.name);
    expect(read?.spec?.template.spec?.containers[0]?.image).toBe('registry.local/kc/web:1');
    expect(await cluster.getDeployment(NAMESPACE, 'no-such-service')).toBeNull();
    expect(await cluster.delete({ kind: 'Ingress', namespace: NAMESPACE, name: service.name })).toBe(false);
  });

  it('watches a Deployment across the server ending the watch', async () => {
    const controller = new AbortController();
    const images: string[] = [];
    const watches = deploymentWatchRequests(2);
    const seen = (async () => {
      for await (const deployment of cluster.watchDeployment(NAMESPACE, service.name, controller.signal)) {
        const image = deployment?.spec?.template.spec?.containers[0]?.image;
        if (image && images.at(-1) !== image) images.push(image);
        if (image === 'registry.local/kc/web:2') return;
      }
    })();
    // The server ends each watch after watchTimeoutSeconds. A second watch request means the first has ended, so
    // the change below is carried by a renewed watch (it resumes from the resource version it had seen).
    await watches.reached;
    watches.stop();
    await cluster.apply(rendered(2).deployment);
    const timeout = setTimeout(() => controller.abort(), 15_000);
    await seen;
    clearTimeout(timeout);
    controller.abort();
    expect(images).toEqual(['registry.local/kc/web:1', 'registry.local/kc/web:2']);
  });

  it('finds the same events whether it asks per object or lists the namespace', async () => {
    let events: Awaited<ReturnType<KubeCluster['listEvents']>> = [];
    const deadline = Date.now() + 20_000;
    while (events.length === 0 && Date.now() < deadline) {
      events = await cluster.listEvents(NAMESPACE, [service.name]);
      if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.involvedObject.name === service.name)).toBe(true);
    // More names than are asked one by one: one list of the namespace, filtered here.
    const many = [service.name, ...Array.from({ length: 20 }, (_, i) => `nobody-${i}`)];
    const listed = await cluster.listEvents(NAMESPACE, many);
    const uids = (list: typeof events) => list.map((event) => event.metadata?.uid).sort();
    expect(uids(listed)).toEqual(expect.arrayContaining(uids(events)));
    expect(listed.every((event) => event.involvedObject.name === service.name)).toBe(true);
  });

  it("forces cite's fields back over a hand edit, keeps what cite does not render, and would conflict unforced", async () => {
    const name = service.name;
    // Plain requests over the cluster's own connection pool (closed with the cluster).
    const http = new KubeHttp(cluster.kubeConfig);
    const deploymentPath = PATHS.deployments(NAMESPACE, name);
    await cluster.apply(rendered(5).namespace);
    await cluster.apply(rendered(5).deployment);
    // Someone edits the image and adds an annotation by hand: an Update by another field manager.
    await http.json(deploymentPath, {
      method: 'PATCH',
      query: { fieldManager: 'kubectl-edit' },
      contentType: 'application/strategic-merge-patch+json',
      body: {
        metadata: { annotations: { 'example.com/edited-by': 'hand' } },
        spec: {
          template: {
            spec: { containers: [{ name: CONTAINER_NAME, image: 'registry.local/kc/web:edited' }] },
          },
        },
      },
    });
    const next = rendered(6).deployment;
    // Without force, the API server refuses to take the edited image from its manager.
    const unforced = await http
      .json(deploymentPath, {
        method: 'PATCH',
        query: { fieldManager: FIELD_MANAGER },
        contentType: 'application/apply-patch+yaml',
        body: next,
      })
      .catch((caught: unknown) => caught);
    expect(unforced).toBeInstanceOf(KubeHttpError);
    const status = JSON.parse((unforced as KubeHttpError).body as string) as {
      reason?: string;
      details?: { causes?: { reason?: string; field?: string; message?: string }[] };
    };
    expect((unforced as KubeHttpError).code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.details?.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        field: `.spec.template.spec.containers[name="${CONTAINER_NAME}"].image`,
        message: 'conflict with "kubectl-edit" using apps/v1',
      },
    ]);
    // cite's apply forces: its image wins, the annotation it does not render stays with the editor.
    const applied = await cluster.apply(next);
    expect(applied.spec?.template.spec?.containers[0]?.image).toBe('registry.local/kc/web:6');
    expect(applied.metadata?.annotations?.['example.com/edited-by']).toBe('hand');
    const editor = applied.metadata?.managedFields?.find((entry) => entry.manager === 'kubectl-edit');
    expect(editor?.fieldsV1).toEqual({
      'f:metadata': { 'f:annotations': { 'f:example.com/edited-by': {} } },
    });
  });

  it('turns a refused object into InputError naming the field', async () => {
    const bad = rendered(3).deployment;
    bad.spec = { ...bad.spec!, replicas: -1 };
    const error = await cluster.apply(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).details.map((detail) => detail.path)).toContain('spec.replicas');
  });

  it('answers UnavailableError when nothing listens at the server address', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-kc-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    const port = await freePort();
    fs.writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '  - name: gone',
        '    cluster:',
        `      server: http://127.0.0.1:${port}`,
        '      insecure-skip-tls-verify: true',
        'users:',
        '  - name: gone',
        '    user: {}',
        'contexts:',
        '  - name: gone',
        '    context: { cluster: gone, user: gone }',
        'current-context: gone',
        '',
      ].join('\n'),
    );
    const gone = KubeCluster.fromKubeconfig({ kubeconfigPath: kubeconfig, timeoutMs: 2_000 });
    try {
      await expect(gone.getDeployment('default', 'x')).rejects.toBeInstanceOf(UnavailableError);
      await expect(gone.apply(rendered(4).namespace)).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      await gone.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
