import { lintErrors, probeLinter, warmUp } from './lint-probes';

/**
 * The workspace's own rules, checked with the real ESLint config: a forbidden import must fail lint (and so
 * `npm test`). Files are linted as text under real project paths; nothing is written to the tree.
 */
const eslint = probeLinter();
const problems = (file: string, code: string) => lintErrors(eslint, file, code);

beforeAll(() => warmUp(eslint), 120_000);

describe('module boundaries', () => {
  it.each([
    [
      'libs/model/src/probe.ts',
      "import { Etcd3 } from 'etcd3';\nexport const x = Etcd3;\n",
      /etcd3 may only be imported in libs\/store/,
    ],
    [
      'apps/api/src/probe.ts',
      "import { Etcd3 } from 'etcd3';\nexport const x = Etcd3;\n",
      /etcd3 may only be imported/,
    ],
    [
      'libs/store/src/probe.ts',
      "import { KubeConfig } from '@kubernetes/client-node';\nexport const x = KubeConfig;\n",
      /@kubernetes\/client-node may only be imported/,
    ],
    [
      'apps/api/src/probe.ts',
      "import { Queue } from 'bullmq';\nexport const x = Queue;\n",
      /bullmq may only be imported in libs\/queue/,
    ],
    [
      'libs/config/src/probe.ts',
      "import { createApp } from '../../../apps/api/src/app';\nexport const x = createApp;\n",
      /enforce-module-boundaries/,
    ],
    [
      'libs/model/src/probe.ts',
      "export const port = process.env['PORT'];\n",
      /read configuration through @cite\/config/,
    ],
    [
      'libs/model/src/probe.spec.ts',
      "describe.only('x', () => { it('y', () => expect(1).toBe(1)); });\n",
      /describe.only is not allowed/,
    ],
  ])('%s: rejects a forbidden import or construct', async (file, code, expected) => {
    const found = await problems(file, code);
    expect(found.join('\n')).toMatch(expected);
  });

  it.each([
    ['libs/store/src/probe.ts', "import { Etcd3 } from 'etcd3';\nexport const x = Etcd3;\n"],
    ['libs/queue/src/probe.ts', "import { Queue } from 'bullmq';\nexport const x = Queue;\n"],
    ['apps/api/src/probe.ts', "import { loadConfig } from '@cite/config';\nexport const x = loadConfig;\n"],
  ])('%s: allows what belongs there', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
