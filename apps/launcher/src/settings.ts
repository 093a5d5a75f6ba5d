/** What the launcher is told by main.ts (which alone reads the environment). */
export interface LauncherSettings {
  /** The environment the apps inherit (the launcher's own). */
  parentEnv: Readonly<Record<string, string | undefined>>;
  /** Data, logs, PID files, kubeconfig and admin token: `.local/` at the repository root. */
  localDir: string;
  /** Holds each app's bundle as `<app>/main.mjs` (`dist/apps`). */
  appsDir: string;
  apiPort: number;
  /** etcd, Redis, the registry and the cluster on 2379, 6379, 5000 and 6443 when free; false: any free port. */
  wellKnownPorts: boolean;
  /** Bootstrap admin token; unset: made once into `<localDir>/admin-token`. */
  adminToken: string | undefined;
  /** Set on the apps on top of the launcher's own environment. */
  appEnv: Record<string, string>;
  /**
   * Stop everything when the process that started the launcher goes away. Under `npm start`, npm runs the script
   * through `sh -c`, which dies on a SIGTERM that npm forwards to it without passing it on.
   */
  watchParent: boolean;
}
