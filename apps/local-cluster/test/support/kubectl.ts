/**
 * The real kubectl (1.32) against a test cluster: `--kubeconfig` the cluster's file, a HOME of its own (so the
 * discovery cache and config of the machine play no part), bounded by a timeout. Long-running commands
 * (`get -w`, `logs -f`) run as child processes whose output is awaited line by line and which are stopped by PID.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCluster } from './cluster';

export interface Kubectl {
  /** Runs `kubectl -n <namespace> ...args`; resolves with stdout, rejects with stderr in the message. */
  (...args: string[]): Promise<string>;
  /** Runs `kubectl -n <namespace> ...args` with `input` on stdin (`apply -f -`). */
  withInput(input: string, ...args: string[]): Promise<string>;
  /** Starts `kubectl -n <namespace> ...args` and returns its output as it comes. */
  stream(...args: string[]): KubectlStream;
}

export async function kubectlFor(
  cluster: TestCluster,
  namespace: string,
  timeoutMs = 20_000,
): Promise<Kubectl> {
  const home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
  const env = { ...process.env, HOME: home, KUBECACHEDIR: join(home, 'cache'), KUBECONFIG: '' };
  const argv = (args: string[]) => ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace, ...args];
  const execute = (input: string | undefined, args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(
        'kubectl',
        argv(args),
        { env, timeout: timeoutMs, maxBuffer: 16 << 20 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`kubectl ${args.join(' ')}: ${error.message}\n${stderr}`));
          else resolve(stdout);
        },
      );
      child.stdin?.end(input);
    });
  const run = (...args: string[]) => execute(undefined, args);
  return Object.assign(run, {
    withInput: (input: string, ...args: string[]) => execute(input, args),
    stream: (...args: string[]) => new KubectlStream(spawn('kubectl', argv(args), { env }), args.join(' ')),
  });
}

/** A running kubectl whose stdout lines are kept and awaited (never slept on). */
export class KubectlStream {
  readonly lines: string[] = [];
  private partial = '';
  private stderr = '';
  private exited = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly child: ChildProcess,
    private readonly what: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString()).split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.wake();
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on('exit', () => {
      this.exited = true;
      this.wake();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** The first line (from `from` on) matching `pattern`, waiting up to `timeoutMs` for it. */
  async line(pattern: RegExp, timeoutMs = 10_000, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.slice(from).find((line) => pattern.test(line));
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (this.exited || remaining <= 0)
        throw new Error(
          `kubectl ${this.what}: no line matching ${pattern} ${this.exited ? 'before it exited' : 'in time'}\n` +
            `stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`,
        );
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, remaining);
        this.waiters.add(done);
      });
    }
  }

  /** Kills the process by its PID and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    process.kill(this.pid, 'SIGTERM');
    await exited;
  }
}
