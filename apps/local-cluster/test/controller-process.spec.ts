/**
 * `main.mjs` runs the controllers in a child process at a lower CPU priority (as kube-controller-manager and the
 * kubelets run apart from kube-apiserver): they work there, come back when the child dies, and never outlive
 * the API server's process; a process driving it stops a kubelet through the API (a Node annotation).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { runApp, type AppProcess } from '@cite/test-support';

/** Live child processes of `pid`. */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' '))
    .filter(Boolean)
    .map(Number);
}

/** The niceness of a process (field 19 of /proc/<pid>/stat). */
function niceOf(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
}

/** Running, not gone and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve(check()).catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('local-cluster main: the controllers in their own process', () => {
  let dir: string;
  let app: AppProcess;
  let kubeConfig: KubeConfig;

  const start = async (env: Record<string, string> = {}) => {
    app = await runApp('local-cluster', {
      CITE_LOCAL_CLUSTER_PORT: '0',
      CITE_LOCAL_CLUSTER_KUBECONFIG: path.join(dir, 'kubeconfig'),
      CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: '0',
      CITE_LOCAL_CLUSTER_START_MS: '0',
      CITE_LOCAL_CLUSTER_READY_MS: '0',
      ...env,
    });
    await app.waitForOutput(/kubeconfig: .+\n/, 30_000);
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(path.join(dir, 'kubeconfig'));
  };

  /** Creates a one-replica Deployment and waits until the controllers report it available. */
  const rollOut = async (name: string) => {
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const labels = { app: name };
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name },
        spec: {
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
        },
      },
    });
    await waitFor(`${name} available`, async () => {
      const deployment = await apps.readNamespacedDeployment({ namespace: 'default', name });
      return deployment.status?.availableReplicas === 1 || undefined;
    });
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cluster-process-'));
  });
  afterEach(async () => {
    await app?.stop('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs them in one child at niceness 10 by default, where they roll out a Deployment', async () => {
    await start();
    const children = childrenOf(app.child.pid!);
    expect(children).toHaveLength(1);
    expect(niceOf(children[0]!)).toBe(10);
    expect(niceOf(app.child.pid!)).toBe(niceOf(process.pid));
    await rollOut('first');
    const nodes = await kubeConfig.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items).toHaveLength(10);
  });

  it('takes the niceness from CITE_LOCAL_CLUSTER_CONTROLLERS_NICE and starts no child without controllers', async () => {
    await start({ CITE_LOCAL_CLUSTER_CONTROLLERS_NICE: '15' });
    expect(niceOf(childrenOf(app.child.pid!)[0]!)).toBe(15);
    await app.stop('SIGTERM');
    await start({ CITE_LOCAL_CLUSTER_CONTROLLERS: 'false' });
    expect(childrenOf(app.child.pid!)).toEqual([]);
  });

  it('starts a child that died again, and the controllers carry on', async () => {
    await start();
    const [first] = childrenOf(app.child.pid!);
    process.kill(first!, 'SIGKILL');
    const second = await waitFor('a new controllers process', () => {
      const now = childrenOf(app.child.pid!);
      return now.length === 1 && now[0] !== first ? now[0] : undefined;
    });
    // The parent lowers the priority right after spawning; the poll above may see the child in between.
    await waitFor('the new child at niceness 10', () => niceOf(second) === 10 || undefined);
    await waitFor('the restart logged', () => app.output().includes('starting it again') || undefined);
    await rollOut('after-restart');
  });

  it('stops a kubelet from outside through its Node annotation, with the node timings from the environment', async () => {
    await start({
      CITE_LOCAL_CLUSTER_NODE_HEARTBEAT_MS: '200',
      CITE_LOCAL_CLUSTER_NODE_GRACE_PERIOD_MS: '2000',
    });
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const [node] = (await core.listNode()).items;
    const name = node!.metadata!.name!;
    const ready = async () =>
      (await core.readNode({ name })).status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const annotate = (value: string | null) =>
      core.patchNode(
        { name, body: { metadata: { annotations: { 'local-cluster.cite.dev/kubelet': value } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await annotate('stopped');
    await waitFor('the node to turn Unknown', async () => (await ready()) === 'Unknown' || undefined);
    await annotate(null);
    await waitFor('the node to be Ready again', async () => (await ready()) === 'True' || undefined);
  });

  it('stops the child with the server on SIGTERM, and the child ends when the server is killed', async () => {
    await start();
    const [child] = childrenOf(app.child.pid!);
    expect(await app.stop('SIGTERM')).toBe(0);
    expect(alive(child!)).toBe(false);

    await start();
    const [orphan] = childrenOf(app.child.pid!);
    await app.stop('SIGKILL');
    await waitFor('the orphaned controllers to exit', () => !alive(orphan!) || undefined);
  });
});
