/**
 * charts/cite, generated: `generateChart()` (every file), `manifests()` (the objects it installs with given
 * values), `RULES` (the ClusterRole, from the calls cite's code makes). See charts/cite/README.md.
 */
export { CHART_VERSION, generateChart, manifests, schemaOf } from './generate';
export { chartFiles, taskKey, type ChartFile } from './objects';
export { RULES, type Rule } from './rbac';
export { resolve, template, type Release, type Values } from './slots';
export { CLUSTER_DEFAULTS, defaultValues, SECRET_KEYS, type ChartValues } from './values';
