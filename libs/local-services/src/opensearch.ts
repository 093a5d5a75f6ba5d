/**
 * A real search engine speaking the Elasticsearch REST API, for the logs (issue 15) in `npm start` and in tests:
 * OpenSearch 2.19 embedded in a small Java program (ops/opensearch), since Debian ships neither Elasticsearch nor
 * OpenSearch. Maven builds it once per source version (ops/opensearch/build.sh, output under
 * `.local/opensearch-build/`); each engine is a `java` process on 127.0.0.1 with everything it writes under its
 * data directory, stopped by PID like etcd and Redis.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { manage, type ManagedProcess } from './processes';
import { outputTail, spawnLogged } from './spawn';
import { ProcessStartError, ReadyTimeoutError } from './start-errors';

export interface OpenSearchOptions {
  /** Indices (`data/`), the engine's log (`opensearch.log`) and its other files. Default: a temporary directory. */
  dataDir?: string;
  /** The HTTP port. Default: one the engine picks itself (it binds port 0), so two engines never race for one. */
  port?: number;
  /** Maximum heap in MB (`-Xmx`); `-Xms` is the smaller of this and 256. Default 512. */
  heapMb?: number;
  /** Own process group, so a terminal's Ctrl-C reaches only the launcher, which stops this in order. */
  detached?: boolean;
  /** How long the engine may take to report a yellow cluster once started (not counting a build). Default 60 s. */
  readyTimeoutMs?: number;
  /** How long a build may take when one is needed (the first one downloads about 85 MB). Default 10 minutes. */
  buildTimeoutMs?: number;
  /** The `java` program (a name on PATH or a path). Default `java`. */
  java?: string;
  /** The `mvn` program, needed only when the engine must be built. Default `mvn`. */
  mvn?: string;
  /** Where builds go. Default `<repository>/.local/opensearch-build`. */
  buildRoot?: string;
}

export interface RunningOpenSearch extends ManagedProcess {
  /** `http://127.0.0.1:<port>`: the Elasticsearch-compatible REST API. */
  readonly url: string;
  readonly dataDir: string;
  /** The engine's output (its own log, JVM warnings, a failure's stack trace). */
  readonly logFile: string;
}

/** What `buildOpenSearch` produced: the `java -cp` argument and the class-data archive when training worked. */
export interface OpenSearchBuild {
  readonly dir: string;
  readonly classpath: string;
  readonly archive?: string;
}

const MAIN_CLASS = 'dev.cite.opensearch.EmbeddedOpenSearch';
const READY_TIMEOUT_MS = 60_000;
const BUILD_TIMEOUT_MS = 600_000;
const STOP_GRACE_MS = 15_000;
const INSTALL_JAVA =
  'install a JDK 17 or newer (Debian: apt-get install default-jdk-headless, or run scripts/ensure-deps.sh)';
const INSTALL_MAVEN = 'install Maven (Debian: apt-get install maven, or run scripts/ensure-deps.sh)';

/** The directory holding ops/opensearch: found upwards from here, so this works from libs/ and from a dist/ bundle. */
function projectDir(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'ops', 'opensearch', 'build.sh'))) return dir;
    if (path.dirname(dir) === dir)
      throw new Error(`ops/opensearch/build.sh not found above ${import.meta.dirname}`);
  }
}

/** Whether `command` (a name looked up on PATH, or a path) names an executable file. */
function onPath(command: string): boolean {
  const executable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return executable(command);
  return (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && executable(path.join(dir, command)));
}

/** Whether an engine can be started here, and why not: for the launcher's banner. */
export function openSearchAvailable(
  options: Pick<OpenSearchOptions, 'java' | 'mvn' | 'buildRoot'> = {},
): { ok: true } | { ok: false; reason: string } {
  const java = options.java ?? 'java';
  if (!onPath(java)) return { ok: false, reason: `${java} is not installed: ${INSTALL_JAVA}` };
  const mvn = options.mvn ?? 'mvn';
  if (!onPath(mvn) && !anyBuild(options.buildRoot ?? defaultBuildRoot()))
    return { ok: false, reason: `${mvn} is not installed and OpenSearch was never built: ${INSTALL_MAVEN}` };
  return { ok: true };
}

function defaultBuildRoot(): string {
  return path.join(projectDir(), '.local', 'opensearch-build');
}

function anyBuild(buildRoot: string): boolean {
  try {
    return fs.readdirSync(buildRoot).some((name) => fs.existsSync(path.join(buildRoot, name, 'classpath')));
  } catch {
    return false;
  }
}

/** Runs `bash build.sh <buildRoot>`: its stdout, stderr and exit code, or a timeout (its process group killed). */
async function runBuildScript(
  buildRoot: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  const script = path.join(projectDir(), 'ops', 'opensearch', 'build.sh');
  const child = spawn('bash', [script, buildRoot], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // Maven and the training run are the script's children: end the whole group.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already ended
    }
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('close', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  return { code, stdout, stderr, timedOut };
}

const tailOf = (text: string, lines = 20) =>
  text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');

/**
 * Builds the engine unless this source version is built already (then it takes a fraction of a second). A missing
 * `java` or `mvn` is a `ProcessStartError` naming it and how to install it; a failed build one with Maven's output.
 */
export async function buildOpenSearch(
  options: Pick<OpenSearchOptions, 'java' | 'mvn' | 'buildRoot' | 'buildTimeoutMs'> = {},
): Promise<OpenSearchBuild> {
  const java = options.java ?? 'java';
  const mvn = options.mvn ?? 'mvn';
  if (!onPath(java)) throw new ProcessStartError(java, `${java} is not installed: ${INSTALL_JAVA}`);
  const buildRoot = options.buildRoot ?? defaultBuildRoot();
  const timeoutMs = options.buildTimeoutMs ?? BUILD_TIMEOUT_MS;
  const run = await runBuildScript(buildRoot, { ...process.env, JAVA: java, MVN: mvn }, timeoutMs);
  if (run.timedOut)
    throw new ProcessStartError(
      mvn,
      `building the embedded OpenSearch took over ${timeoutMs} ms:\n${tailOf(run.stderr)}`,
    );
  if (run.code === 3) {
    const missing = run.stderr.includes(`${mvn} is not installed`) ? mvn : java;
    throw new ProcessStartError(
      missing,
      run.stderr.trim().split('\n').at(-1) ?? `${missing} is not installed`,
    );
  }
  if (run.code !== 0)
    throw new ProcessStartError(
      mvn,
      `building the embedded OpenSearch failed (exit ${run.code}):\n${tailOf(run.stderr)}`,
    );
  const dir = run.stdout.trim().split('\n').at(-1) ?? '';
  const archive = path.join(dir, 'opensearch.jsa');
  return {
    dir,
    classpath: fs.readFileSync(path.join(dir, 'classpath'), 'utf8').trim(),
    ...(fs.existsSync(archive) ? { archive } : {}),
  };
}

/** ops/opensearch/jvm.options without comments and blank lines. */
function jvmOptions(): string[] {
  return fs
    .readFileSync(path.join(projectDir(), 'ops', 'opensearch', 'jvm.options'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The `java` arguments for an engine with its files under `dataDir`. */
function openSearchArgs(
  build: OpenSearchBuild,
  spec: { dataDir: string; port: number; heapMb: number; parentPid: number },
): string[] {
  return [
    `-Xms${Math.min(256, spec.heapMb)}m`,
    `-Xmx${spec.heapMb}m`,
    ...jvmOptions(),
    `-Djava.io.tmpdir=${path.join(spec.dataDir, 'tmp')}`,
    ...(build.archive ? [`-XX:SharedArchiveFile=${build.archive}`] : []),
    '-cp',
    build.classpath,
    MAIN_CLASS,
    '--home',
    spec.dataDir,
    '--http-port',
    String(spec.port),
    // The engine ends with the process that started it, even one killed with SIGKILL.
    '--parent-pid',
    String(spec.parentPid),
  ];
}

/** Resolves with the URL of the engine's "ready" line once it is in `logFile` after byte `from`. */
async function readyLine(logFile: string, from: number, signal: AbortSignal): Promise<string> {
  for (;;) {
    const match = /^cite-opensearch: ready (http:\/\/\S+)$/m.exec(readFrom(logFile, from));
    if (match) return match[1]!;
    await sleep(100, undefined, { signal });
  }
}

/** What `file` holds after byte `from` (at most 1 MB: the ready line comes within the first few KB). */
function readFrom(file: string, from: number): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(Math.max(0, Math.min(fs.fstatSync(fd).size - from, 1 << 20)));
    const read = fs.readSync(fd, buffer, 0, buffer.length, from);
    return buffer.subarray(0, read).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Resolves once `GET /_cluster/health?wait_for_status=yellow` answers 200. */
async function healthy(url: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=5s`, { signal });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      signal.throwIfAborted(); // otherwise: not answering yet
    }
    await sleep(100, undefined, { signal });
  }
}

/**
 * Starts an engine (building it first when needed) and resolves once its cluster is yellow or green. Fails with
 * a `ProcessStartError`: `java`/`mvn` missing or the build failing (see `buildOpenSearch`), `EarlyExitError` when
 * the engine ends first (a port in use, a data directory another engine holds) and `ReadyTimeoutError` after
 * `readyTimeoutMs`, both with the end of its log; what it started is stopped.
 */
export async function startOpenSearch(options: OpenSearchOptions = {}): Promise<RunningOpenSearch> {
  const java = options.java ?? 'java';
  const build = await buildOpenSearch(options);
  const dataDir = path.resolve(options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cite-opensearch-')));
  fs.mkdirSync(path.join(dataDir, 'tmp'), { recursive: true });
  const logFile = path.join(dataDir, 'opensearch.log');
  const from = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const args = openSearchArgs(build, {
    dataDir,
    port: options.port ?? 0,
    heapMb: options.heapMb ?? 512,
    parentPid: process.pid,
  });
  const spawned = spawnLogged({ command: java, args, logFile, detached: options.detached ?? false });
  const managed = manage(spawned.child, options.port ?? 0);
  const timeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort(new Error(`not ready within ${timeoutMs} ms`));
  }, timeoutMs);
  try {
    const ready = (async () => {
      const url = await readyLine(logFile, from, stop.signal);
      await healthy(url, stop.signal);
      return url;
    })();
    const url = await Promise.race([
      ready.catch((error: unknown) => {
        if (!timedOut) throw error;
        const timeout = new ReadyTimeoutError(java, options.port ?? 0, timeoutMs, logFile, error);
        timeout.message = `OpenSearch (${java}) was not ready within ${timeoutMs} ms; the end of its log (${logFile}):\n${tailOf(outputTail(logFile, from))}`;
        throw timeout;
      }),
      spawned.failed.then((error) => {
        throw error;
      }),
    ]);
    const port = Number(new URL(url).port);
    return {
      ...managed,
      port,
      url,
      dataDir,
      logFile,
      stop: (graceMs = STOP_GRACE_MS) => managed.stop(graceMs),
    };
  } catch (error) {
    await managed.kill();
    throw error;
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
}
