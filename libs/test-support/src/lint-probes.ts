/**
 * Lints code as if it were a file at a path of the workspace, with the workspace's own ESLint config, so a spec can
 * show that a rule rejects (or allows) something there. Nothing is written to the tree. Probe files are named
 * `probe.ts` or `probe.spec.ts`; as they are not on disk, the TypeScript project does not list them, so the
 * type-aware rules see them through typescript-eslint's default project, with the workspace's compiler options.
 */
import path from 'node:path';
import { ESLint } from 'eslint';

export const WORKSPACE_ROOT = path.resolve(import.meta.dirname, '../../..');

const PROBES = [
  'apps/*/src/probe.ts',
  'apps/*/src/probe.spec.ts',
  'libs/*/src/probe.ts',
  'libs/*/src/probe.spec.ts',
];

/** The workspace's ESLint, able to lint probe files. */
export function probeLinter(): ESLint {
  return new ESLint({
    cwd: WORKSPACE_ROOT,
    overrideConfig: {
      languageOptions: {
        parserOptions: {
          projectService: {
            allowDefaultProject: PROBES,
            defaultProject: 'tsconfig.json',
            // typescript-eslint's guard against wide globs in real configs; probes are a few dozen small texts.
            maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 100,
          },
        },
      },
    },
  });
}

/** `ruleId: message` of each error ESLint reports for `code` as the file `file` (relative to the root). */
export async function lintErrors(eslint: ESLint, file: string, code: string): Promise<string[]> {
  if (!/^(apps|libs)\/[a-z0-9-]+\/src\/probe(\.spec)?\.ts$/.test(file)) {
    throw new Error(`${file} is not a probe path (${PROBES.join(', ')})`);
  }
  const [result] = await eslint.lintText(code, { filePath: path.join(WORKSPACE_ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

/**
 * The first type-aware lint loads TypeScript's view of the workspace (10–20 s); call this in `beforeAll` with a
 * long timeout so that no single test pays for it.
 */
export async function warmUp(eslint: ESLint): Promise<void> {
  await lintErrors(eslint, 'libs/model/src/probe.ts', 'export const warm = 1;\n');
}
