import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import jsxA11y from 'eslint-plugin-jsx-a11y';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.local/**', '.nx/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  prettier,
  // The web UI: the rules of hooks (React's own plugin) and static accessibility checks of the JSX.
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    rules: { ...reactHooks.configs['recommended-latest'].rules, ...jsxA11y.flatConfigs.recommended.rules },
  },
  {
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'bench/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            // Apps use libs; libs never use apps. Test support only from tests and other test support.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            // Layers, each lib tagged with one in its project.json; a lib imports only from layers below it:
            //   base (records, errors, config, logging, metrics, ip-pool; no infrastructure client)
            //   → infra (one adapter or service each: store, kube, queue, auth, http, local-services)
            //   → domain (what cite does with them: catalog, deploy)
            //   → apps (wiring; any lib).
            // Libs of one layer above base never import each other (deploy does not use catalog). `type:test` is
            // for specs and `testing` entries; production files may not import it (the rule below).
            { sourceTag: 'layer:base', onlyDependOnLibsWithTags: ['layer:base', 'type:test'] },
            { sourceTag: 'layer:infra', onlyDependOnLibsWithTags: ['layer:base', 'type:test'] },
            {
              sourceTag: 'layer:domain',
              onlyDependOnLibsWithTags: ['layer:base', 'layer:infra', 'type:test'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Production files never import test helpers: a lib's `testing` entry and `@cite/test-support` are for specs,
  // `testing` files and folders, fixtures and benchmarks. (The typescript-eslint variant of the rule, so that the
  // per-folder `no-restricted-imports` blocks below do not replace it.)
  {
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing.ts', '**/testing/**', '**/fixtures/**', 'libs/test-support/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@cite/test-support', message: 'test support is for specs and testing entries only' },
          ],
          patterns: [
            { group: ['@cite/*/testing'], message: 'testing entries are for specs and testing files only' },
          ],
        },
      ],
    },
  },
  // A promise nobody awaits loses its rejection: await it, or mark a deliberate fire-and-forget with `void` and a
  // comment saying why. Type-aware, so only where the TypeScript project covers the files.
  {
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  // Each infrastructure client belongs to exactly one place.
  ...ownedImports({
    etcd3: ['libs/store', 'libs/backup'],
    '@kubernetes/client-node': ['libs/kube', 'libs/observe', 'libs/batch', 'apps/local-cluster', 'apps/watcher', 'apps/batch'],
    bullmq: ['libs/queue'],
    'prom-client': ['libs/metrics'],
    '@opensearch-project/opensearch': ['libs/log-store'],
  }),
  {
    files: ['**/*.spec.ts', 'libs/test-support/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  // No focused or skipped tests.
  {
    files: ['**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test'].flatMap((object) =>
          ['only', 'skip'].map((property) => ({
            object,
            property,
            message: `${object}.${property} is not allowed`,
          })),
        ),
      ],
      'no-restricted-globals': ['error', 'fdescribe', 'fit', 'xdescribe', 'xit', 'xtest'],
    },
  },
  // Apps read process.env in main.ts only; libs never (config is validated once at start).
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/config/**', 'libs/test-support/**', 'libs/local-services/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration through @cite/config' },
      ],
    },
  },
];

/**
 * `owners` maps a package to the only folders allowed to import it. Flat config lets a later block replace a
 * rule for the files it matches, so every folder gets one block listing everything it may not import.
 */
function ownedImports(owners) {
  const restriction = (forbidden) => ({
    'no-restricted-imports': [
      'error',
      {
        paths: forbidden.map((pkg) => ({
          name: pkg,
          message: `${pkg} may only be imported in ${owners[pkg].join(', ')}`,
        })),
        patterns: forbidden.map((pkg) => ({
          group: [`${pkg}/*`],
          message: `${pkg} may only be imported in ${owners[pkg].join(', ')}`,
        })),
      },
    ],
  });
  const packages = Object.keys(owners);
  const folders = [...new Set(Object.values(owners).flat())];
  return [
    { files: ['**/*.ts'], rules: restriction(packages) },
    ...folders.map((folder) => ({
      files: [`${folder}/**/*.ts`],
      rules: restriction(packages.filter((pkg) => !owners[pkg].includes(folder))),
    })),
  ];
}
