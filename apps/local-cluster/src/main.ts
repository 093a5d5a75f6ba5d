import { resolve } from 'node:path';
import { LocalCluster } from './cluster';
import { parseSettings } from './settings';

const settings = parseSettings(process.env);
if (!settings.ok) {
  process.stderr.write(`local-cluster: ${settings.key} ${settings.message}\n`);
  process.exit(78);
}
const options = settings.options;
const cluster = await LocalCluster.start({ ...options, kubeconfigPath: resolve(options.kubeconfigPath) });
process.stdout.write(`local-cluster listening on ${cluster.url}\nkubeconfig: ${cluster.kubeconfigPath}\n`);

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
