/**
 * What the launcher is told: its part of cite's configuration (`@cite/config`, loaded and checked once by main.ts)
 * and the facts of how it was started.
 */
import path from 'node:path';
import type { CiteConfig } from '@cite/config';

export interface LauncherSettings {
  /** The environment the apps inherit (the launcher's own). */
  parentEnv: Readonly<Record<string, string | undefined>>;
  /** Data, logs, PID files, kubeconfig and admin token: `.local/` at the repository root. */
  localDir: string;
  /** Holds each app's bundle as `<app>/main.mjs` (`dist/apps`). */
  appsDir: string;
  apiPort: number;
  /**
   * etcd, Redis, the registry, the cluster and the search engine on 2379, 6379, 5000, 6443 and 9200 when free;
   * false: any free port.
   */
  wellKnownPorts: boolean;
  /** Bootstrap admin token; unset: made once into `<localDir>/admin-token`. */
  adminToken: string | undefined;
  /** `CITE_LOGS_URL`: a search engine of the user's; unset, the launcher runs its own when Java is installed. */
  logsUrl: string | undefined;
  /** Set on the apps on top of the launcher's own environment. */
  appEnv: Record<string, string>;
  /**
   * Stop everything when the process that started the launcher goes away. Under `npm start`, npm runs the script
   * through `sh -c`, which dies on a SIGTERM that npm forwards to it without passing it on.
   */
  watchParent: boolean;
  /** Batch task → cron expression (`CITE_BATCH_SCHEDULES`): the launcher's stand-in for the chart's CronJobs. */
  batchSchedules: Readonly<Record<string, string>>;
  /** Where scheduled backups go: `CITE_BATCH_BACKUP_DIR` when set, else `<localDir>/backups`. */
  backupDir: string;
}

/** How the launcher was started, beyond its configuration. */
export interface LaunchFacts {
  /** The launcher's environment, which the apps inherit. */
  env: Readonly<Record<string, string | undefined>>;
  /** The repository root (`.local/` goes below it unless `CITE_LOCAL_DIR` says otherwise). */
  root: string;
  /** Where the apps' bundles are. */
  appsDir: string;
}

/** The local directory: `CITE_LOCAL_DIR` (relative to the working directory), else `.local/` below `root`. */
export function localDirOf(config: CiteConfig, root: string): string {
  return path.resolve(config.local.dir ?? path.join(root, '.local'));
}

/** The launcher's settings from a configuration loaded for the `launcher` app. Pure. */
export function launcherSettings(config: CiteConfig, facts: LaunchFacts): LauncherSettings {
  const localDir = localDirOf(config, facts.root);
  return {
    parentEnv: facts.env,
    localDir,
    appsDir: facts.appsDir,
    apiPort: config.api.port,
    wellKnownPorts: !config.local.anyPorts,
    adminToken: config.auth.adminToken,
    logsUrl: config.logs.url,
    // A broken image fails after 30 s locally (the launcher's default) rather than production's 120 s. The apps
    // inherit the launcher's environment, so CITE_REGISTRY_URL=… npm start sets it on the deployer.
    appEnv: { CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: String(config.deployer.progressDeadlineSeconds) },
    // npm sets npm_lifecycle_event on the scripts it runs: not a setting of cite's, a fact of how it started.
    watchParent: facts.env['npm_lifecycle_event'] !== undefined,
    batchSchedules: config.batch.schedules,
    backupDir: facts.env['CITE_BATCH_BACKUP_DIR'] ? config.batch.backupDir : path.join(localDir, 'backups'),
  };
}
