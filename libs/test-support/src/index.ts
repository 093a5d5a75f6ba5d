export * from './env';
export { freePort, startEtcd, startRedis, waitForPort } from '@cite/local-services';
export type { ManagedProcess, RunningEtcd, RunningRedis } from '@cite/local-services';
export {
  buildApp,
  bundleEntry,
  followOutput,
  runApp,
  runLocalCluster,
  type AppProcess,
  type LocalClusterApp,
} from './apps';
export { pollUntil, type PollOptions } from './poll';
export { startFakeGitHub, type FailureOptions, type FakeGitHub, type RecordedRequest } from './fake-github';
export * from './github-deliveries';
export { TcpRelay } from './tcp-relay';
