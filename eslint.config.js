import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.local/**', '.nx/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  prettier,
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
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Each infrastructure client belongs to exactly one place.
  ...ownedImports({
    etcd3: ['libs/store'],
    '@kubernetes/client-node': ['libs/kube', 'apps/local-cluster'],
    bullmq: ['libs/queue'],
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
