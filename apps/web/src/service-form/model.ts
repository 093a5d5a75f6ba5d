/**
 * The create-service form's deciding logic, pure: the form's state and defaults, the body of
 * `POST /api/v1/services` made of what the user filled (the API fills the rest), and the API's field issues
 * (`replicas`, `resources.cpu.request`, `env.2.name` or `env[2].name`, `domains.0`, `labels.<key>`) mapped back
 * to the rows the user sees — whatever maps to no field goes to the top of the form.
 */

/** The values `ServiceCreateSchema` fills when a field is left out (copied from libs/model, for display). */
export const CREATE_DEFAULTS = {
  replicas: 1,
  resources: {
    cpu: { request: '100m', limit: '500m' },
    memory: { request: '128Mi', limit: '256Mi' },
  },
  branch: 'main',
  autoRollback: true,
} as const;

export interface EnvRow {
  id: string;
  name: string;
  value: string;
}
export interface DomainRow {
  id: string;
  host: string;
}
export interface LabelRow {
  id: string;
  key: string;
  value: string;
}

export interface ServiceForm {
  name: string;
  team: string;
  image: string;
  /** NaN or null: not filled. */
  port: number | null;
  replicas: number | null;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  env: EnvRow[];
  domains: DomainRow[];
  repo: string;
  branch: string;
  autoRollback: boolean;
  labels: LabelRow[];
}

let nextRowId = 0;
/** A row id unique in this page's life (rows keep their messages while others are added or removed). */
export const newRowId = (prefix: string): string => `${prefix}${++nextRowId}`;

export const newEnvRow = (): EnvRow => ({ id: newRowId('e'), name: '', value: '' });
export const newDomainRow = (): DomainRow => ({ id: newRowId('d'), host: '' });
export const newLabelRow = (): LabelRow => ({ id: newRowId('l'), key: '', value: '' });

export function emptyForm(team = ''): ServiceForm {
  return {
    name: '',
    team,
    image: '',
    port: null,
    replicas: null,
    cpuRequest: '',
    cpuLimit: '',
    memoryRequest: '',
    memoryLimit: '',
    env: [],
    domains: [],
    repo: '',
    branch: '',
    autoRollback: CREATE_DEFAULTS.autoRollback,
    labels: [],
  };
}

// ------------------------------------------------------------------ field keys

/**
 * Each place a message can show has a key. Single fields use the API's own path (`name`, `replicas`,
 * `resources.cpu.request`, `deployPolicy.branch`); rows use their id, so a message stays with its row when
 * rows above it are removed: `env.<rowId>.name`, `env.<rowId>.value`, `env.<rowId>` (the row as a whole),
 * `domains.<rowId>`, `labels.<rowId>`; `env`, `domains`, `labels` are the lists as a whole.
 */
export const SCALAR_FIELDS = [
  'name',
  'team',
  'image',
  'port',
  'replicas',
  'resources.cpu.request',
  'resources.cpu.limit',
  'resources.memory.request',
  'resources.memory.limit',
  'repo',
  'deployPolicy.branch',
  'autoRollback',
] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];

export const envKey = (rowId: string, part?: 'name' | 'value'): string =>
  part ? `env.${rowId}.${part}` : `env.${rowId}`;
export const domainKey = (rowId: string): string => `domains.${rowId}`;
export const labelKey = (rowId: string): string => `labels.${rowId}`;

/** Messages by field key; several for one field are kept in order. */
export type FieldMessages = Record<string, string[]>;

// ------------------------------------------------------------------ form → request

export interface CreateBody {
  name?: string;
  team?: string;
  image?: string;
  port?: number;
  replicas?: number;
  resources?: { cpu?: { request?: string; limit?: string }; memory?: { request?: string; limit?: string } };
  env?: { name: string; value: string }[];
  domains?: string[];
  repo?: string;
  deployPolicy?: { branch: string };
  autoRollback?: boolean;
  labels?: Record<string, string>;
}

/** Which row each sent item came from, to put the API's `env.2.name` back on the right row. */
export interface SentRows {
  env: string[];
  domains: string[];
  /** label key as sent → row id */
  labels: Record<string, string>;
}

export interface CreateRequest {
  body: CreateBody;
  rows: SentRows;
}

const filled = (value: string) => value.trim() !== '';
const isNumber = (value: number | null): value is number => value !== null && !Number.isNaN(value);

/**
 * The body for `POST /api/v1/services`: only what the user filled, trimmed (env values are sent as typed).
 * Empty rows are left out; a row with only a value still goes, so the API says what its name lacks.
 */
export function toCreateRequest(form: ServiceForm): CreateRequest {
  const body: CreateBody = {};
  const rows: SentRows = { env: [], domains: [], labels: {} };
  if (filled(form.name)) body.name = form.name.trim();
  if (filled(form.team)) body.team = form.team.trim();
  if (filled(form.image)) body.image = form.image.trim();
  if (isNumber(form.port)) body.port = form.port;
  if (isNumber(form.replicas)) body.replicas = form.replicas;

  const cpu = pair(form.cpuRequest, form.cpuLimit);
  const memory = pair(form.memoryRequest, form.memoryLimit);
  if (cpu || memory) body.resources = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };

  const env = form.env.filter((row) => filled(row.name) || row.value !== '');
  if (env.length > 0) {
    body.env = env.map((row) => ({ name: row.name.trim(), value: row.value }));
    rows.env = env.map((row) => row.id);
  }

  const domains = form.domains.filter((row) => filled(row.host));
  if (domains.length > 0) {
    body.domains = domains.map((row) => row.host.trim().toLowerCase());
    rows.domains = domains.map((row) => row.id);
  }

  if (filled(form.repo)) body.repo = form.repo.trim();
  if (filled(form.branch)) body.deployPolicy = { branch: form.branch.trim() };
  if (form.autoRollback !== CREATE_DEFAULTS.autoRollback) body.autoRollback = form.autoRollback;

  const labels = form.labels.filter((row) => filled(row.key) || filled(row.value));
  if (labels.length > 0) {
    body.labels = {};
    for (const row of labels) {
      const key = row.key.trim();
      if (Object.hasOwn(body.labels, key)) continue; // a repeated key is the form's own error (formProblems)
      body.labels[key] = row.value.trim();
      rows.labels[key] = row.id;
    }
  }
  return { body, rows };
}

function pair(request: string, limit: string): { request?: string; limit?: string } | undefined {
  if (!filled(request) && !filled(limit)) return undefined;
  return {
    ...(filled(request) ? { request: request.trim() } : {}),
    ...(filled(limit) ? { limit: limit.trim() } : {}),
  };
}

/**
 * What the form itself can tell before asking: the required fields, and label keys given twice (a JSON object
 * cannot carry both, so the API would never see the second).
 */
export function formProblems(form: ServiceForm): FieldMessages {
  const problems: FieldMessages = {};
  const add = (key: string, message: string) => (problems[key] ??= []).push(message);
  if (!filled(form.name)) add('name', 'Enter a name.');
  if (!filled(form.team)) add('team', 'Choose a team.');
  if (!filled(form.image)) add('image', 'Enter an image repository.');
  if (!isNumber(form.port)) add('port', 'Enter the port the app listens on.');
  const seen = new Set<string>();
  for (const row of form.labels) {
    if (!filled(row.key) && !filled(row.value)) continue;
    const key = row.key.trim();
    if (seen.has(key)) add(labelKey(row.id), `duplicate label key '${key}'`);
    seen.add(key);
  }
  return problems;
}

// ------------------------------------------------------------------ API issues → fields

export interface Issue {
  path: string;
  message: string;
}

export interface MappedIssues {
  fields: FieldMessages;
  /** Issues that match no field, shown at the top as `path: message` (or the message alone). */
  top: string[];
}

/** `env[2].name` → `['env', '2', 'name']`; `env.2.name` the same. Label keys (after `labels.`) stay whole. */
export function pathSegments(path: string): string[] {
  if (path === '') return [];
  if (path === 'labels' || path.startsWith('labels.')) {
    return path === 'labels' ? ['labels'] : ['labels', path.slice('labels.'.length)];
  }
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((segment) => segment !== '');
}

const SCALARS = new Set<string>(SCALAR_FIELDS);
const INDEX = /^\d+$/;

/** The field key for one API path given the rows sent, or undefined when it matches no field. */
export function fieldKeyOf(path: string, rows: SentRows): { key: string; prefix?: string } | undefined {
  const segments = pathSegments(path);
  const joined = segments.join('.');
  if (SCALARS.has(joined)) return { key: joined };
  const [head, index, ...rest] = segments;
  if (head === 'env') {
    if (index === undefined) return { key: 'env' };
    const rowId = INDEX.test(index) ? rows.env[Number(index)] : undefined;
    if (rowId === undefined) return undefined;
    if (rest.length === 0) return { key: envKey(rowId) };
    if (rest.length === 1 && (rest[0] === 'name' || rest[0] === 'value'))
      return { key: envKey(rowId, rest[0]) };
    return { key: envKey(rowId), prefix: rest.join('.') };
  }
  if (head === 'domains') {
    if (index === undefined) return { key: 'domains' };
    const rowId = INDEX.test(index) ? rows.domains[Number(index)] : undefined;
    if (rowId === undefined || rest.length > 0) return undefined;
    return { key: domainKey(rowId) };
  }
  if (head === 'labels') {
    if (index === undefined) return { key: 'labels' };
    const rowId = Object.hasOwn(rows.labels, index) ? rows.labels[index] : undefined;
    return rowId === undefined ? undefined : { key: labelKey(rowId) };
  }
  return undefined;
}

/** The API's `details` as messages by field; what matches no field goes to `top`, with its path. */
export function mapIssues(details: readonly Issue[], rows: SentRows): MappedIssues {
  const fields: FieldMessages = {};
  const top: string[] = [];
  for (const { path, message } of details) {
    const found = fieldKeyOf(path, rows);
    if (found) (fields[found.key] ??= []).push(found.prefix ? `${found.prefix}: ${message}` : message);
    else top.push(path === '' ? message : `${path}: ${message}`);
  }
  return { fields, top };
}

/** Messages with a field removed (the user changed it, so its message no longer holds). */
export function without(messages: FieldMessages, ...keys: string[]): FieldMessages {
  if (!keys.some((key) => key in messages)) return messages;
  const next = { ...messages };
  for (const key of keys) delete next[key];
  return next;
}
