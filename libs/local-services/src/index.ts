export * from './processes';
export {
  APP_ENV_DEFAULTS,
  Supervisor,
  describeExit,
  restartDelay,
  type AppSpec,
  type ServiceSpec,
  type SupervisorEvents,
} from './supervisor';
export {
  clearPid,
  recordPid,
  recordedProcess,
  releaseRunLock,
  stopLeftover,
  takeRunLock,
  type PidRecord,
} from './pid-files';
export {
  commandOf,
  descendantsOf,
  isRunning,
  listensOn,
  processesLoggingTo,
  startTimeOf,
  stopProcess,
  type DirectoryUser,
} from './proc';
export {
  EarlyExitError,
  PortTimeoutError,
  ProcessStartError,
  ReadyTimeoutError,
  SpawnError,
} from './start-errors';
export { pushImage, startRegistry, type RegistryOptions, type RunningRegistry } from './registry';
export {
  buildOpenSearch,
  openSearchAvailable,
  startOpenSearch,
  type OpenSearchBuild,
  type OpenSearchOptions,
  type RunningOpenSearch,
} from './opensearch';
