export { loadConfig, configReference, type CiteConfig, type ConfigSources, type LogLevel } from './config';
export { loadConfigOrExit } from './load';
export { CONFIG_KEYS, type ConfigKey } from './keys';
export { SCHEDULABLE_TASKS } from './schedules';
