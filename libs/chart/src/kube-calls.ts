/**
 * Every Kubernetes call cite's code makes, read from the source: the calls through `KubeHttp` (`json`, `text`,
 * `lines`, `textLines`, and `KubeCluster`'s own `get`/`timed` around them), the batch tasks' `listAll`/`listMapped`,
 * the watcher's informers (list + watch), and client-node's typed calls. Each becomes `verb group/resource`. A call
 * whose path this cannot resolve is reported as such, so a new kind of call fails the RBAC test instead of
 * slipping past it. Used by `rbac.spec.ts`; reads files, decides nothing.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface KubeCall {
  file: string;
  line: number;
  verb: string;
  /** `apps/deployments`, `/pods/log` (the core group is empty). */
  resource: string;
}

/** Where cite's Kubernetes calls live (production files only). */
export const SOURCES = [
  'libs/kube/src',
  'libs/observe/src',
  'libs/deploy/src',
  'libs/catalog/src',
  'libs/batch/src',
  'apps/api/src',
  'apps/deployer/src',
  'apps/watcher/src',
];

const GROUPS: Record<string, string> = {
  api: '',
  apps: 'apps',
  'networking.k8s.io': 'networking.k8s.io',
  'discovery.k8s.io': 'discovery.k8s.io',
};
const PATHS_TABLE: Record<string, string> = {
  pods: '/pods',
  services: '/services',
  events: '/events',
  endpoints: '/endpoints',
  deployments: 'apps/deployments',
  replicaSets: 'apps/replicasets',
  ingresses: 'networking.k8s.io/ingresses',
  endpointSlices: 'discovery.k8s.io/endpointslices',
};
const KINDS: Record<string, string> = {
  Namespace: '/namespaces',
  Service: '/services',
  Deployment: 'apps/deployments',
  Ingress: 'networking.k8s.io/ingresses',
  ReplicaSet: 'apps/replicasets',
  Pod: '/pods',
  Node: '/nodes',
  Endpoints: '/endpoints',
};
const TYPED_GROUPS: Record<string, string> = { core: '', apps: 'apps', networking: 'networking.k8s.io' };
const VERBS: Record<string, string> = {
  GET: 'get',
  POST: 'create',
  PATCH: 'patch',
  PUT: 'update',
  DELETE: 'delete',
};

/** A path's target: `{ resource, object }` (object: one named object rather than a collection). */
interface Target {
  resources: string[];
  object: boolean;
}

/** The text of a call's arguments, from just after `(` to its matching `)`. */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1);
}

/** Top-level comma-separated parts. */
function split(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quote = '';
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === quote && args[i - 1] !== '\\') quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(args.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = args.slice(start).trim();
  if (last) parts.push(last);
  return parts;
}

function literalPath(text: string): Target | undefined {
  const match = /^[`'](\/apis?\/[^`']*)[`']$/.exec(text.trim());
  if (!match) return undefined;
  const parts = match[1]!.split('/').filter(Boolean);
  const group = parts[0] === 'api' ? '' : parts[1]!;
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  let object = false;
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const resource = rest[0]!;
  if (rest.length >= 2) object = true;
  const sub = rest[2] ? `/${rest[2]}` : '';
  return { resources: [`${GROUPS[group] ?? group}/${resource}${sub}`], object };
}

function resolvePath(expression: string, file: string, text: string, before: number): Target | undefined {
  const e = expression.trim();
  let m = /^PATHS\.(\w+)\(([\s\S]*)\)$/.exec(e);
  if (m) {
    const args = split(m[2]!);
    const sub = args[2]?.match(/^'(\w+)'$/)?.[1];
    return { resources: [`${PATHS_TABLE[m[1]!]}${sub ? `/${sub}` : ''}`], object: args.length >= 2 };
  }
  m = /^(collectionPath|objectPath)\(([\s\S]*)\)$/.exec(e);
  if (m) {
    const kindArg = split(m[2]!)[0]!;
    const literal = /^'(\w+)'$/.exec(kindArg)?.[1];
    const kinds = literal ? [literal] : kindsInFile(text);
    return { resources: kinds.map((k) => KINDS[k]!), object: m[1] === 'objectPath' };
  }
  m = /^`\$\{COLLECTIONS(?:\[[^\]]+\]|\.(\w+))\(\w*\)\}(\/.+)?`$/.exec(e);
  if (m) {
    const kinds = m[1] ? [m[1]] : collectionsKinds(text);
    return { resources: kinds.map((k) => KINDS[k]!), object: Boolean(m[2]) };
  }
  m = /^COLLECTIONS\.(\w+)\(\w*\)$/.exec(e);
  if (m) return { resources: [KINDS[m[1]!]!], object: false };
  if (/^`\/api\/v1\/namespaces\/.+\/pods\/.+\/proxy/.test(e))
    return { resources: ['/pods/proxy'], object: true };
  const literal = literalPath(e);
  if (literal) return literal;
  // A name: the nearest `const <name> = …;` before the call.
  if (/^[\w.]+$/.test(e)) {
    const name = e.split('.').at(-1)!;
    const found = [...text.slice(0, before).matchAll(new RegExp(`const ${name} = ([^;]+);`, 'g'))].at(-1);
    if (found) return resolvePath(found[1]!, file, text, found.index);
    // A parameter of the function it is in: a pass-through wrapper, whose callers are read instead.
    if (new RegExp(`[(,]\\s*${name}: string`).test(text.slice(Math.max(0, before - 800), before)))
      return { resources: [], object: false };
  }
  return undefined;
}

/** `const KINDS: GcKind[] = ['ReplicaSet', …]` in the file: what a `kind` variable ranges over. */
function kindsInFile(text: string): string[] {
  const m = /const KINDS[^=]*=\s*\[([^\]]+)\]/.exec(text);
  return m ? [...m[1]!.matchAll(/'(\w+)'/g)].map((k) => k[1]!) : [];
}

/** The keys of `const COLLECTIONS = { Namespace: …, … }` in the file. */
function collectionsKinds(text: string): string[] {
  const m = /const COLLECTIONS\b[^{]*\{([\s\S]*?)\n\};/.exec(text);
  return m ? [...m[1]!.matchAll(/^\s+(\w+):/gm)].map((k) => k[1]!) : [];
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function filesUnder(root: string, dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(root, rel);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && entry.name !== 'testing.ts'
      ? [rel]
      : [];
  });
}

/** Every call found, and the call sites whose path could not be resolved. */
export function kubeCalls(root: string): { calls: KubeCall[]; unresolved: string[] } {
  const calls: KubeCall[] = [];
  const unresolved: string[] = [];
  for (const file of SOURCES.flatMap((dir) => filesUnder(root, dir))) {
    if (file.endsWith('kube-http.ts') || file.endsWith('informer.ts')) continue; // the generic machinery itself
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const add = (index: number, verbs: string[], target: Target | undefined, site: string) => {
      if (!target) return void unresolved.push(`${file}:${lineOf(text, index)} ${site}`);
      if (target.resources.some((r) => r === undefined))
        return void unresolved.push(`${file}:${lineOf(text, index)} ${site}`);
      for (const resource of target.resources)
        for (const verb of verbs) calls.push({ file, line: lineOf(text, index), verb, resource });
    };
    // KubeHttp: json / text / lines / textLines on anything named http or kube.
    for (const m of text.matchAll(
      /\b(?:http|kube)\s*\.\s*(json|text|lines|textLines)\s*(?:<(?:[^<>(]|<[^<>(]*>)*>)?\(/g,
    )) {
      const [pathArg = '', options = ''] = split(argumentsAt(text, m.index + m[0].length - 1));
      const method = /method:\s*'(\w+)'/.exec(options)?.[1] ?? 'GET';
      const target = resolvePath(pathArg, file, text, m.index);
      const verbs =
        m[1] === 'lines'
          ? ['watch']
          : method === 'GET'
            ? [target?.object ? 'get' : 'list']
            : [VERBS[method]!, ...(/ServerSideApply/.test(options) ? ['create'] : [])];
      add(m.index, verbs, target, m[0]);
    }
    // KubeCluster's private `get(action, path, query)` and `timed(method, path, …)`.
    const wraps = /private get<T>\(action: string, path: string/.test(text);
    for (const m of wraps ? text.matchAll(/this\.get\s*(?:<(?:[^<>(]|<[^<>(]*>)*>)?\(/g) : []) {
      const [, pathArg = ''] = split(argumentsAt(text, m.index + m[0].length - 1));
      const target = resolvePath(pathArg, file, text, m.index);
      add(m.index, [target?.object ? 'get' : 'list'], target, m[0]);
    }
    // The batch tasks' paged lists.
    for (const m of text.matchAll(/\b(listAll|listMapped)\s*(?:<[^>(]*>)?\(/g)) {
      if (/function\s*$/.test(text.slice(Math.max(0, m.index - 20), m.index))) continue;
      const [, pathArg = ''] = split(argumentsAt(text, m.index + m[0].length - 1));
      add(m.index, ['list'], resolvePath(pathArg, file, text, m.index), m[0]);
    }
    // The watcher's informers: list, then watch.
    for (const m of text.matchAll(/this\.inform\s*(?:<[^>(]*>)?\(/g)) {
      const [, , pathArg = ''] = split(argumentsAt(text, m.index + m[0].length - 1));
      if (pathArg === 'path') continue; // the method's own definition
      add(m.index, ['list', 'watch'], resolvePath(pathArg, file, text, m.index), m[0]);
    }
    // client-node's typed calls.
    for (const m of text.matchAll(
      /this\.(core|apps|networking)\.(list|read|create|patch|replace|delete)(Namespaced)?([A-Z]\w*?)(Scale|Status)?\(/g,
    )) {
      const verb = {
        list: 'list',
        read: 'get',
        create: 'create',
        patch: 'patch',
        replace: 'update',
        delete: 'delete',
      }[m[2]!]!;
      const kind = m[4]!;
      const plural = kind === 'Ingress' ? 'ingresses' : `${kind.toLowerCase()}s`;
      add(
        m.index,
        [verb],
        {
          resources: [`${TYPED_GROUPS[m[1]!]}/${plural}${m[5] ? `/${m[5].toLowerCase()}` : ''}`],
          object: true,
        },
        m[0],
      );
    }
  }
  return { calls, unresolved };
}
