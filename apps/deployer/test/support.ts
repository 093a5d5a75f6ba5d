/**
 * The deployer's integration harness: real etcd (a fresh prefix on the test etcd), a private Redis, a real
 * cluster — local-cluster started as a process over HTTP, or the cluster named by CITE_TEST_KUBECONFIG — and the
 * deployer itself as a process, built and started the way users run it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deployStepOf, type DeployStep } from '@cite/deploy';
import { KubeCluster } from '@cite/kube';
import {
  releaseConfigOf,
  type Release,
  type ReleaseLogLine,
  type ReleaseStatus,
  type Service,
} from '@cite/model';
import { exampleService } from '@cite/model/testing';
import { createJobQueue, type BullJobQueue } from '@cite/queue';
import { MetadataStore, ReleaseLog } from '@cite/store';
import {
  runApp,
  startRedis,
  testEtcdEndpoint,
  uniquePrefix,
  type AppProcess,
  type RunningRedis,
} from '@cite/test-support';

/** A real cluster was named: tests of emulator-only behaviour print why and return early. */
export const REAL_CLUSTER = process.env['CITE_TEST_KUBECONFIG'] || undefined;

export interface TestCluster {
  kubeconfig: string;
  cluster: KubeCluster;
  /** True for local-cluster (emulator-only behaviours available). */
  emulated: boolean;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Docker Registry v2 the emulated kubelets pull-check images against. */
  registryUrl?: string;
  /** Simulated kubelet timings (ms). */
  delays?: { containerCreatingMs?: number; startMs?: number; readyMs?: number };
}

export async function startTestCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  if (REAL_CLUSTER) {
    return {
      kubeconfig: REAL_CLUSTER,
      cluster: KubeCluster.fromKubeconfig({ kubeconfigPath: REAL_CLUSTER }),
      emulated: false,
      stop: async () => undefined,
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-deployer-test-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const delays = { containerCreatingMs: 50, startMs: 100, readyMs: 100, ...options.delays };
  const app = await runApp('local-cluster', {
    CITE_LOCAL_CLUSTER_PORT: '0',
    CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
    CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: String(delays.containerCreatingMs),
    CITE_LOCAL_CLUSTER_START_MS: String(delays.startMs),
    CITE_LOCAL_CLUSTER_READY_MS: String(delays.readyMs),
    ...(options.registryUrl ? { CITE_LOCAL_CLUSTER_REGISTRY_URL: options.registryUrl } : {}),
  });
  await app.waitForOutput(/kubeconfig: .+\n/, 30_000);
  return {
    kubeconfig,
    cluster: KubeCluster.fromKubeconfig({ kubeconfigPath: kubeconfig }),
    emulated: true,
    stop: async () => {
      await app.stop('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HarnessOptions {
  cluster: TestCluster;
  /** Extra deployer environment (CITE_REGISTRY_URL, …). */
  env?: Record<string, string>;
}

/** etcd + Redis + a producer, and deployer processes started on demand. */
export class Harness {
  readonly deployers: AppProcess[] = [];
  private constructor(
    readonly store: MetadataStore,
    readonly prefix: string,
    readonly redis: RunningRedis,
    readonly queue: BullJobQueue,
    readonly cluster: TestCluster,
    private readonly env: Record<string, string>,
  ) {}

  static async create(options: HarnessOptions): Promise<Harness> {
    const prefix = uniquePrefix('deployer');
    const store = await MetadataStore.create({ endpoints: [testEtcdEndpoint()], prefix, timeoutMs: 3_000 });
    const redis = await startRedis({ appendOnly: false });
    const queue = createJobQueue(redis.url);
    return new Harness(store, prefix, redis, queue, options.cluster, options.env ?? {});
  }

  deployerEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
      CITE_ETCD_PREFIX: this.prefix,
      CITE_REDIS_URL: this.redis.url,
      CITE_KUBECONFIG: this.cluster.kubeconfig,
      CITE_LOG_LEVEL: 'info',
      CITE_DEPLOYER_CONCURRENCY: '8',
      CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: '5',
      CITE_DEPLOYER_JOB_LOCK_SECONDS: '2',
      CITE_DEPLOYER_LOCK_TTL_SECONDS: '2',
      CITE_DEPLOYER_SHUTDOWN_GRACE_SECONDS: '10',
      ...this.env,
      ...extra,
    };
  }

  async startDeployer(extra: Record<string, string> = {}): Promise<AppProcess> {
    const deployer = await runApp('deployer', this.deployerEnv(extra));
    this.deployers.push(deployer);
    await deployer.waitForOutput('deployer ready', 30_000);
    return deployer;
  }

  /** Registers a service the way the API does (record only; its objects come with its first release). */
  async createService(name: string, overrides: Partial<Service> = {}): Promise<Service> {
    const service = exampleService({
      name,
      team: 'qa',
      replicas: 2,
      domains: [],
      labels: {},
      ...overrides,
    });
    await this.store.services.create(name, service);
    return service;
  }

  /** Accepts a deploy the way the API does: allocate release n (pending) in etcd, then enqueue its job. */
  async deploy(service: Service, image: string): Promise<Release> {
    const allocated = await this.store.releases.allocate(service.name, {
      image,
      config: releaseConfigOf(service),
      cause: 'deploy',
      actor: 'test:harness',
      status: 'pending',
      createdAt: new Date().toISOString(),
    });
    await this.queue.enqueueRelease({ service: service.name, release: allocated.value.number });
    return allocated.value;
  }

  async release(service: string, number: number): Promise<Release> {
    return (await this.store.releases.require(service, number)).value;
  }

  /** Waits (bounded, watching etcd) until release `number` is in one of `statuses`. */
  async waitForRelease(
    service: string,
    number: number,
    statuses: ReleaseStatus[],
    timeoutMs = 30_000,
  ): Promise<Release> {
    const watch = await this.store.releases.watch({ service });
    const timer = setTimeout(() => void watch.close(), timeoutMs);
    try {
      const now = await this.store.releases.get(service, number);
      if (now && statuses.includes(now.value.status)) return now.value;
      for await (const event of watch) {
        if (event.value?.number === number && statuses.includes(event.value.status)) {
          return event.value;
        }
      }
    } finally {
      clearTimeout(timer);
      await watch.close();
    }
    const last = await this.store.releases.get(service, number);
    throw new Error(
      `release ${service}/${number} is ${last?.value.status ?? 'missing'} after ${timeoutMs} ms, wanted ${statuses.join('|')}`,
    );
  }

  /** Waits (bounded, watching etcd) until the release's deploy log has a line of `step`. */
  async waitForLog(
    service: string,
    number: number,
    step: DeployStep,
    timeoutMs = 30_000,
  ): Promise<ReleaseLogLine> {
    const log = new ReleaseLog(this.store.etcd);
    const { lines, revision } = await log.list(service, number);
    const found = lines.find((line) => deployStepOf(line.message) === step);
    if (found) return found;
    const watch = await log.watch(service, number, revision + 1);
    const timer = setTimeout(() => void watch.close(), timeoutMs);
    try {
      for await (const event of watch) {
        if (event.value && deployStepOf(event.value.message) === step) return event.value;
      }
    } finally {
      clearTimeout(timer);
      await watch.close();
    }
    throw new Error(`no ${step} line in the log of ${service}/${number} after ${timeoutMs} ms`);
  }

  /** The deploy steps the release's log shows, in order (null for lines of other writers). */
  async logSteps(service: string, number: number): Promise<(DeployStep | null)[]> {
    const { lines } = await new ReleaseLog(this.store.etcd).list(service, number);
    return lines.map((line) => deployStepOf(line.message));
  }

  /** Stops every deployer started so far (SIGTERM). */
  async stopDeployers(): Promise<void> {
    const running = this.deployers.splice(0);
    await Promise.all(running.map((deployer) => deployer.stop('SIGTERM')));
    if (process.env['CITE_TEST_SHOW_DEPLOYER_LOGS']) {
      for (const deployer of running) process.stdout.write(deployer.output());
    }
  }

  async close(): Promise<void> {
    await this.stopDeployers();
    await this.queue.close();
    await this.redis.stop();
    await this.store.close();
  }
}
