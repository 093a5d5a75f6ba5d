/**
 * The watcher's integration harness: real etcd (a fresh prefix on the test etcd), a real cluster — local-cluster
 * as a process over HTTP with its controllers, or the cluster named by CITE_TEST_KUBECONFIG — and watcher
 * processes built and started the way users run them. What etcd holds is read back as sets of records.
 */
import { teamNamespace, type Service } from '@cite/model';
import { exampleService } from '@cite/model/testing';
import { MetadataStore } from '@cite/store';
import { runApp, runLocalCluster, testEtcdEndpoint, uniquePrefix, type AppProcess } from '@cite/test-support';
import { AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, type V1Ingress } from '@kubernetes/client-node';

/** A real cluster was named: emulator-only steps say so and are left out. */
export const REAL_CLUSTER = process.env['CITE_TEST_KUBECONFIG'] || undefined;

export const VIP = '10.60.25.250';

export interface Cluster {
  kubeconfig: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  /** The local-cluster process (emulated only). */
  process?: AppProcess;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const clients = (kubeconfig: string) => {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    return {
      core: config.makeApiClient(CoreV1Api),
      apps: config.makeApiClient(AppsV1Api),
      networking: config.makeApiClient(NetworkingV1Api),
    };
  };
  if (REAL_CLUSTER)
    return { kubeconfig: REAL_CLUSTER, ...clients(REAL_CLUSTER), stop: async () => undefined };
  const cluster = await runLocalCluster({ CITE_LOCAL_CLUSTER_INGRESS_VIPS: VIP });
  return {
    kubeconfig: cluster.kubeconfig,
    ...clients(cluster.kubeconfig),
    process: cluster.process,
    stop: cluster.stop,
  };
}

export class Harness {
  readonly watchers: AppProcess[] = [];

  private constructor(
    readonly store: MetadataStore,
    readonly prefix: string,
    readonly cluster: Cluster,
  ) {}

  static async create(cluster: Cluster): Promise<Harness> {
    const prefix = uniquePrefix('watcher');
    const store = await MetadataStore.create({ endpoints: [testEtcdEndpoint()], prefix, timeoutMs: 3_000 });
    return new Harness(store, prefix, cluster);
  }

  /** Starts a watcher process; resolves once it has said it is ready (a candidate, not yet the leader). */
  async startWatcher(extra: Record<string, string> = {}): Promise<AppProcess> {
    const watcher = await runApp('watcher', {
      CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
      CITE_ETCD_PREFIX: this.prefix,
      CITE_KUBECONFIG: this.cluster.kubeconfig,
      CITE_LOG_LEVEL: 'info',
      CITE_WATCHER_ELECTION_TTL_SECONDS: '2',
      ...extra,
    });
    this.watchers.push(watcher);
    await watcher.waitForOutput('watcher ready', 20_000);
    return watcher;
  }

  /** The candidate id (`host/pid`) that leads now, or null. */
  async leader(): Promise<string | null> {
    return (await this.store.etcd.leader('watcher'))?.candidateId ?? null;
  }

  /** A service stored as the api stores it (its spec; the api's claim records are not written here). */
  async createService(overrides: Partial<Service>): Promise<Service> {
    const service = exampleService({ replicas: 1, ...overrides });
    await this.store.services.create(service.name, service);
    return service;
  }

  async namespace(name: string): Promise<string> {
    await this.cluster.core.createNamespace({ body: { metadata: { name } } }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 409) throw error;
    });
    return name;
  }

  async stop(): Promise<void> {
    await Promise.all(this.watchers.map((watcher) => watcher.stop('SIGTERM')));
    await this.store.close();
  }
}

/** An Ingress routing `hosts` to a backend; labelled as cite's for `service` when given. */
export function ingress(name: string, hosts: string[], service?: string): V1Ingress {
  return {
    metadata: {
      name,
      ...(service
        ? { labels: { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': service } }
        : {}),
    },
    spec: {
      rules: hosts.map((host) => ({
        host,
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: service ?? name, port: { number: 80 } } },
            },
          ],
        },
      })),
    },
  };
}

/** Polls `read` until `done` holds for its answer (or fails with the last answer after `timeoutMs`). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `not converged after ${timeoutMs} ms; last: ${JSON.stringify(last, null, 1).slice(0, 4000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

export const teamNs = teamNamespace;
