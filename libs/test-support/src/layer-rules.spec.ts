import fs from 'node:fs';
import path from 'node:path';
import { lintErrors, probeLinter, warmUp, WORKSPACE_ROOT } from './lint-probes';

/**
 * The layering of the libs (base → infra → domain → apps), the ban on test helpers in production files and the
 * type-aware `no-floating-promises`, checked with the real ESLint config on probe files (nothing is written).
 */
const eslint = probeLinter();
const problems = (file: string, code: string) => lintErrors(eslint, file, code);
const importing = (name: string, from: string) =>
  `import { ${name} } from '${from}';\nexport const x = ${name};\n`;
const FLOATING = 'async function work(): Promise<void> {}\nwork();\nexport {};\n';

beforeAll(() => warmUp(eslint), 120_000);

describe('layers', () => {
  it.each([
    // Upward, and a cycle too (catalog uses the store): refused either way.
    [
      'libs/store/src/probe.ts',
      importing('ServiceCatalog', '@cite/catalog'),
      /@nx\/enforce-module-boundaries/,
    ],
    [
      'libs/kube/src/probe.ts',
      importing('ServiceCatalog', '@cite/catalog'),
      /tagged with "layer:infra" can only depend on libs tagged with "layer:base"/,
    ],
    [
      'libs/model/src/probe.ts',
      importing('createJobQueue', '@cite/queue'),
      /tagged with "layer:base" can only depend on libs tagged with "layer:base"/,
    ],
    // Siblings above base do not use each other.
    [
      'libs/store/src/probe.ts',
      importing('renderService', '@cite/kube'),
      /tagged with "layer:infra" can only depend on libs tagged with "layer:base"/,
    ],
    [
      'libs/deploy/src/probe.ts',
      importing('ServiceCatalog', '@cite/catalog'),
      /tagged with "layer:domain" can only depend on libs tagged with "layer:base", "layer:infra"/,
    ],
  ])('%s: refuses an import from its own layer or above', async (file, code, expected) => {
    expect((await problems(file, code)).join('\n')).toMatch(expected);
  });

  it.each([
    ['libs/catalog/src/probe.ts', importing('ReleaseLog', '@cite/store')],
    ['libs/catalog/src/probe.ts', importing('authorize', '@cite/auth')],
    ['libs/deploy/src/probe.ts', importing('renderService', '@cite/kube')],
    ['libs/deploy/src/probe.ts', importing('rollbackDraft', '@cite/model')],
    ['libs/store/src/probe.ts', importing('ObservedStatusSchema', '@cite/model')],
    ['libs/model/src/probe.ts', importing('InputError', '@cite/errors')],
    ['apps/api/src/probe.ts', importing('ServiceCatalog', '@cite/catalog')],
    ['apps/deployer/src/probe.ts', importing('ReleaseRunner', '@cite/deploy')],
  ])('%s: allows an import from a layer below', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });

  it('gives every lib exactly one layer', () => {
    const libs = fs.readdirSync(path.join(WORKSPACE_ROOT, 'libs')).filter((name) => name !== 'test-support');
    const layersOf = (lib: string): string[] => {
      const file = path.join(WORKSPACE_ROOT, 'libs', lib, 'project.json');
      if (!fs.existsSync(file)) return ['(no project.json)'];
      const tags = (JSON.parse(fs.readFileSync(file, 'utf8')) as { tags?: string[] }).tags ?? [];
      return tags.filter((tag) => tag.startsWith('layer:'));
    };
    const wrong = libs.filter((lib) => layersOf(lib).length !== 1 || !layersOf(lib)[0]!.startsWith('layer:'));
    expect(wrong).toEqual([]);
  });
});

describe('test helpers stay out of production files', () => {
  it.each([
    [
      'libs/deploy/src/probe.ts',
      importing('createTestStore', '@cite/store/testing'),
      /testing entries are for specs/,
    ],
    [
      'apps/api/src/probe.ts',
      importing('exampleService', '@cite/model/testing'),
      /testing entries are for specs/,
    ],
    [
      'apps/api/src/probe.ts',
      importing('testEtcdEndpoint', '@cite/test-support'),
      /test support is for specs/,
    ],
  ])('%s: refuses a test helper', async (file, code, expected) => {
    expect((await problems(file, code)).join('\n')).toMatch(
      new RegExp(`@typescript-eslint/no-restricted-imports: .*${expected.source}`),
    );
  });

  it.each([
    ['libs/deploy/src/probe.spec.ts', importing('createTestStore', '@cite/store/testing')],
    ['apps/api/src/probe.spec.ts', importing('testEtcdEndpoint', '@cite/test-support')],
  ])('%s: allows it in a spec', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});

describe('floating promises', () => {
  it.each(['libs/store/src/probe.ts', 'apps/api/src/probe.ts'])(
    '%s: refuses a promise nobody handles',
    async (file) => {
      expect((await problems(file, FLOATING)).join('\n')).toMatch(/@typescript-eslint\/no-floating-promises/);
    },
  );

  it.each([
    [
      'awaited',
      'async function work(): Promise<void> {}\nexport async function run() {\n  await work();\n}\n',
    ],
    ['handled', 'async function work(): Promise<void> {}\nwork().catch(() => undefined);\nexport {};\n'],
    ['marked fire-and-forget', 'async function work(): Promise<void> {}\nvoid work();\nexport {};\n'],
  ])('allows a promise %s', async (_how, code) => {
    expect(await problems('libs/store/src/probe.ts', code)).toEqual([]);
  });
});

describe('one key layout', () => {
  /** Production sources of every lib and app. */
  function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sources(full);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && entry.name !== 'testing.ts'
        ? [full]
        : [];
    });
  }

  it('names every etcd keyspace in libs/store/src/keys.ts only', () => {
    const roots = ['apps', 'libs'].flatMap((group) =>
      fs
        .readdirSync(path.join(WORKSPACE_ROOT, group))
        .map((name) => path.join(WORKSPACE_ROOT, group, name, 'src')),
    );
    const layoutFile = path.join(WORKSPACE_ROOT, 'libs/store/src/keys.ts');
    const offenders = roots
      .filter((root) => fs.existsSync(root))
      .flatMap(sources)
      .flatMap((file) => {
        const text = fs
          .readFileSync(file, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '');
        const where = path.relative(WORKSPACE_ROOT, file);
        // A repository's keyspace is always one of KEYSPACES (a `keyspace: string` parameter aside) …
        const values = [...text.matchAll(/\bkeyspace:\s*([\w.'"`/]+)/g)].map((match) => match[1]!);
        const bad = values.filter((value) => value !== 'string' && !/^KEYSPACES\.\w+$/.test(value));
        // … and no file but keys.ts declares a table of them.
        const table = file !== layoutFile && /\b(const|let)\s+\w*KEYSPACES\w*\s*=/.test(text);
        return [
          ...bad.map((value) => `${where}: keyspace ${value}`),
          ...(table ? [`${where}: a KEYSPACES table`] : []),
        ];
      });
    expect(offenders).toEqual([]);
  });
});
