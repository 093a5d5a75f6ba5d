export * from './processes';
export { Supervisor, type AppSpec, type SupervisorEvents } from './supervisor';
export { clearPid, recordPid, stopLeftover } from './pid-files';
export { pushImage, startRegistry, type RegistryOptions, type RunningRegistry } from './registry';
