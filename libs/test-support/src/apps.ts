/**
 * Builds an app the way `npm run build` does (esbuild bundle of apps/<name>/src/main.ts) and runs it as a real
 * child process, so tests exercise the same start-up, signals and exit codes users get.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '../../..');
const built = new Map<string, Promise<string>>();

/** Bundles one TypeScript entry the way `npm run build` does (esbuild, ESM for Node 22, packages external). */
export async function bundleEntry(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.base.json'),
    logLevel: 'error',
  });
  return outfile;
}

export function buildApp(name: string): Promise<string> {
  let pending = built.get(name);
  if (!pending) {
    pending = bundleEntry(
      path.join(root, 'apps', name, 'src', 'main.ts'),
      path.join(root, '.local', 'test-build', `${name}-${process.pid}`, 'main.mjs'),
    );
    built.set(name, pending);
  }
  return pending;
}

export interface AppProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Waits until the output contains `text`. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function runApp(
  name: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<AppProcess> {
  const entry = await buildApp(name);
  const child = spawn(process.execPath, ['--enable-source-maps', entry, ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited, waitForOutput } = followOutput(child);
  return {
    child,
    output,
    exited,
    waitForOutput,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * What a child process has printed (stdout and stderr together), when it exits, and a wait for a line of
 * its output that fails when the process exits first or `timeoutMs` passes.
 */
export function followOutput(child: ChildProcess): {
  output(): string;
  exited: Promise<number | string>;
  waitForOutput(match: string | RegExp, timeoutMs?: number): Promise<void>;
} {
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    output: () => text,
    exited,
    waitForOutput(match: string | RegExp, timeoutMs = 15_000): Promise<void> {
      const matches = () => (typeof match === 'string' ? text.includes(match) : match.test(text));
      if (matches()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(match)}; output so far:\n${text}`));
        }, timeoutMs);
        const check = () => {
          if (matches()) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        void exited.then(() => {
          if (!matches()) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`process exited before ${String(match)}; output:\n${text}`));
          }
        });
      });
    },
  };
}

export interface LocalClusterApp {
  /** The kubeconfig file it wrote. */
  kubeconfig: string;
  process: AppProcess;
  /** Stops it (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * local-cluster as its own process on a free port, zero simulated delays unless `env` says otherwise; resolves
 * once it has written its kubeconfig.
 */
export async function runLocalCluster(env: Record<string, string> = {}): Promise<LocalClusterApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-local-cluster-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const app = await runApp('local-cluster', {
    CITE_LOCAL_CLUSTER_PORT: '0',
    CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
    CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: '0',
    CITE_LOCAL_CLUSTER_START_MS: '0',
    CITE_LOCAL_CLUSTER_READY_MS: '0',
    ...env,
  });
  try {
    await app.waitForOutput(/kubeconfig: .+\n/, 30_000);
  } catch (error) {
    await app.stop('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    kubeconfig,
    process: app,
    stop: async () => {
      await app.stop('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
