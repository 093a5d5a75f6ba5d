/**
 * The launcher and `npm run push-image` read their settings through @cite/config: the same knobs as ever, and a bad
 * value is one line naming the key, with exit code 78, before anything starts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { jest } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '@cite/local-services';
import { launcherBundle, localDir, pushImageBundle, removeBundles, removeLocal } from './support';

jest.setTimeout(60_000);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundle with Node, with `env` over an environment without npm's variables or Jest's Node options. */
async function run(bundle: string, args: string[], env: Record<string, string>): Promise<Ran> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') && name !== 'NODE_OPTIONS'),
  );
  const child = spawn(process.execPath, [bundle, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

const local = localDir();

afterAll(() => {
  removeLocal(local);
  removeBundles();
});

describe('the launcher', () => {
  it.each([
    [{ CITE_LAUNCHER_ANY_PORTS: 'yes' }, 'CITE_LAUNCHER_ANY_PORTS: must be 1, 0, true or false (got "yes")'],
    [{ CITE_API_PORT: 'eighty' }, 'CITE_API_PORT: must be an integer 1–65535 (got "eighty")'],
    [
      { CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: '1' },
      'CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: must be an integer 5–3600 (got "1")',
    ],
  ])(
    'refuses %j with one line naming the key, exit code 78, before it starts anything',
    async (bad, message) => {
      const ran = await run(await launcherBundle(), [], { CITE_LOCAL_DIR: local, ...bad });
      expect(ran).toEqual({
        code: 78,
        stdout: '',
        stderr: `cite launcher: configuration error: ${message}\n`,
      });
      expect(fs.readdirSync(local)).toEqual([]);
    },
  );
});

describe('npm run push-image', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('refuses a CITE_LOCAL_REGISTRY_URL that is not a URL', async () => {
    const ran = await run(await pushImageBundle(), ['demo/web:1'], { CITE_LOCAL_REGISTRY_URL: 'nowhere' });
    expect(ran).toEqual({
      code: 78,
      stdout: '',
      stderr:
        'cite push-image: configuration error: CITE_LOCAL_REGISTRY_URL: "nowhere" is not a URL (got "nowhere")\n',
    });
  });

  it('pushes to the registry of the run in CITE_LOCAL_DIR, or to CITE_LOCAL_REGISTRY_URL', async () => {
    const dir = localDir();
    try {
      const none = await run(await pushImageBundle(), ['demo/web:1'], { CITE_LOCAL_DIR: dir });
      expect(none.code).toBe(1);
      expect(none.stderr).toBe(
        `push-image: no registry known: start it with npm start (it writes ${path.join(dir, 'registry', 'url')})\n`,
      );

      fs.mkdirSync(path.join(dir, 'registry'));
      fs.writeFileSync(path.join(dir, 'registry', 'url'), `${registry.url}\n`);
      const fromDir = await run(await pushImageBundle(), ['demo/web:1'], { CITE_LOCAL_DIR: dir });
      expect(fromDir).toMatchObject({ code: 0, stderr: '' });
      expect(fromDir.stdout).toMatch(
        new RegExp(`^pushed ${registry.host}/demo/web:1 sha256:[0-9a-f]{64}\\n$`),
      );

      const named = await run(await pushImageBundle(), [`${registry.host}/demo/web:2`], {
        CITE_LOCAL_DIR: path.join(dir, 'elsewhere'),
        CITE_LOCAL_REGISTRY_URL: `${registry.url}/`,
      });
      expect(named).toMatchObject({ code: 0, stderr: '' });
      expect(named.stdout).toContain(`pushed ${registry.host}/demo/web:2 `);
    } finally {
      removeLocal(dir);
    }
  });
});
