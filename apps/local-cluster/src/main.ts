import { resolve } from 'node:path';
import { createMetrics } from '@cite/metrics';
import { LocalCluster } from './cluster';
import { startControllers } from './controllers';
import { serveControllerProcess } from './controllers/process';
import { parseSettings } from './settings';

/** `main.mjs controllers` is the controllers' child process, started by the API server's process below. */
const CONTROLLERS_ROLE = 'controllers';

if (process.argv[2] === CONTROLLERS_ROLE) {
  serveControllerProcess(startControllers);
} else {
  const settings = parseSettings(process.env);
  if (!settings.ok) {
    process.stderr.write(`local-cluster: ${settings.key} ${settings.message}\n`);
    process.exit(78);
  }
  const { controllersNice, ...options } = settings.options;
  // The child runs this same file; a CPU profile of it (node --cpu-prof) gets its own default name.
  const nodeFlags = process.execArgv.filter((flag) => !flag.startsWith('--cpu-prof-name'));
  const cluster = await LocalCluster.start({
    ...options,
    kubeconfigPath: resolve(options.kubeconfigPath),
    controllerProcess: {
      command: process.execPath,
      args: [...nodeFlags, process.argv[1]!, CONTROLLERS_ROLE],
      nice: controllersNice,
    },
    // Request durations and the process metrics at /metrics (behind the token, when one is set).
    metrics: createMetrics(),
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(
      `local-cluster: ${signal}, stopping${options.snapshotFile ? ' and saving the snapshot' : ''}\n`,
    );
    cluster.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`local-cluster: stop failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // SIGUSR2: what an API server restart does to its clients — every watch ends and every resourceVersion older
  // than the newest write is expired, so a client that was behind gets 410 Gone and lists again. Tests of
  // clients (the watcher) force a 410 this way.
  process.on('SIGUSR2', () => {
    const closed = cluster.closeWatches({ expireHistory: true });
    process.stdout.write(`local-cluster: SIGUSR2, ended ${closed} watches and expired their history\n`);
  });
  // Announced only once the signals are handled: whoever waits for this line may stop the process at once
  // (before, a SIGTERM right after it could meet Node's default action and kill the process mid-start).
  process.stdout.write(`local-cluster listening on ${cluster.url}\nkubeconfig: ${cluster.kubeconfigPath}\n`);
}
