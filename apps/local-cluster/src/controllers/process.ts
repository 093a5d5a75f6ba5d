/**
 * The controllers as their own OS process, the way kube-controller-manager, kube-scheduler and the kubelets run
 * apart from kube-apiserver: the parent (the API server) starts the child at a lower CPU priority, so on a small
 * machine requests to the API are answered before background reconciling. They talk over HTTP either way; the
 * IPC channel only carries the start options and the "ready" answer. Stopping and starting a kubelet goes
 * through the API too (the Node's `local-cluster.cite.dev/kubelet` annotation), so it needs no IPC and holds
 * across restarts of the child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { KubeHttp } from '@cite/kube';
import { KubeConfig } from '@kubernetes/client-node';
import type { ControllerOptions, RunningControllers } from './index';
import type { ControllerLogger } from './kit/logger';
import { RawApi } from './kit/raw-api';
import { switchKubelet } from './kubelet/kubelet-switch';

/** What crosses the IPC channel: the controllers' options that are plain data. */
export type PlainControllerOptions = Pick<
  ControllerOptions,
  | 'delays'
  | 'registryUrl'
  | 'pool'
  | 'backOffScale'
  | 'crashAfterMs'
  | 'nodeCapacity'
  | 'ingressVips'
  | 'nodeLifecycle'
>;

type ToChild = { kind: 'start'; kubeconfig: string; options: PlainControllerOptions };
type ToParent = { kind: 'ready' } | { kind: 'failed'; message: string };

export interface ControllerProcessSpec {
  /** Executable and arguments that run `serveControllerProcess()` in the child. */
  command: string;
  args: string[];
  /** OS niceness of the child, 0 (same as the API server) to 19 (only idle CPU). */
  nice: number;
  /** How long the first start may take (informers synced, nodes registered). @defaultValue 60_000 */
  startTimeoutMs?: number;
}

const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;
/** A child that ran this long before dying restarts after the shortest delay again. */
const HEALTHY_AFTER_MS = 60_000;

/**
 * Starts the controllers in a child process and resolves once they are ready. A child that dies is started
 * again (1 s, 2 s, … up to 30 s apart): the controllers rebuild their state from the API on start.
 */
export async function startControllerProcess(
  spec: ControllerProcessSpec,
  kubeConfig: KubeConfig,
  options: PlainControllerOptions,
  logger: ControllerLogger,
): Promise<RunningControllers> {
  const child = new SupervisedChild(
    spec,
    { kind: 'start', kubeconfig: kubeConfig.exportConfig(), options },
    logger,
  );
  const timeoutMs = spec.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      child.launch(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`controllers were not ready within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await child.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // The parent's own client for the kubelet switch, opened on first use.
  let http: KubeHttp | undefined;
  const setKubelet = async (node: string, running: boolean): Promise<void> => {
    http ??= new KubeHttp(kubeConfig);
    await switchKubelet(new RawApi(http), node, running);
  };
  let stopped: Promise<void> | undefined;
  return {
    stopKubelet: (node) => setKubelet(node, false),
    startKubelet: (node) => setKubelet(node, true),
    stop: () =>
      (stopped ??= (async () => {
        await child.stop();
        await http?.close();
      })()),
  };
}

/** The controllers' child process: launched, re-launched after it dies with capped backoff, stopped. */
class SupervisedChild {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: ControllerProcessSpec,
    private readonly message: ToChild,
    private readonly logger: ControllerLogger,
  ) {}

  /** Spawns the child at the spec's niceness, sends the options, resolves when it answers "ready". */
  launch(): Promise<void> {
    const started = Date.now();
    const current = spawn(this.spec.command, this.spec.args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = current;
    try {
      if (current.pid !== undefined) setPriority(current.pid, this.spec.nice);
    } catch (error) {
      this.logger.warn('controllers: could not lower the CPU priority', { error: (error as Error).message });
    }
    current.send(this.message);
    const ready = new Promise<void>((resolve, reject) => {
      current.on('message', (answer: ToParent) => {
        if (answer.kind === 'ready') resolve();
        else reject(new Error(answer.message));
      });
      current.once('error', reject);
      current.once('exit', (code, signal) =>
        reject(new Error(`controllers exited (${code ?? signal}) before they were ready`)),
      );
    });
    current.once('exit', (code, signal) => {
      if (!this.stopping && this.child === current) this.restart(Date.now() - started, code, signal);
    });
    return ready;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const current = this.child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGTERM');
    const force = setTimeout(() => current.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  }

  private restart(ranMs: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (ranMs > HEALTHY_AFTER_MS) this.restartDelay = RESTART_MIN_MS;
    this.logger.error('controllers: the process exited; starting it again', {
      code,
      signal,
      inMs: this.restartDelay,
    });
    this.restartTimer = setTimeout(() => {
      this.launch().catch((error: unknown) =>
        this.logger.error('controllers: restart failed', { error: (error as Error).message }),
      );
    }, this.restartDelay);
    this.restartDelay = Math.min(this.restartDelay * 2, RESTART_MAX_MS);
  }
}

/**
 * The child's side: waits for the start options, starts the controllers, answers "ready", and stops them on
 * SIGTERM, SIGINT or when the parent goes away (the IPC channel closes), so no child outlives its API server.
 */
export function serveControllerProcess(
  start: (kubeConfig: KubeConfig, options: PlainControllerOptions) => Promise<RunningControllers>,
): void {
  let running: Promise<RunningControllers> | undefined;
  let exiting = false;
  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    const done = running ? running.then((r) => r.stop()) : Promise.resolve();
    done.then(
      () => process.exit(code),
      () => process.exit(code || 1),
    );
  };
  process.on('message', (message: ToChild) => {
    if (message.kind !== 'start' || running) return;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(message.kubeconfig);
    running = start(kubeConfig, message.options);
    running.then(
      () => process.send?.({ kind: 'ready' } satisfies ToParent),
      (error: unknown) => {
        running = undefined;
        process.send?.({ kind: 'failed', message: (error as Error).message } satisfies ToParent, () =>
          exit(1),
        );
      },
    );
  });
  process.on('disconnect', () => exit(0));
  process.on('SIGTERM', () => exit(0));
  process.on('SIGINT', () => exit(0));
}
