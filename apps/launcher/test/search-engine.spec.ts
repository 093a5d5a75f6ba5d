/**
 * Issue 15: `npm start` runs the logs' search engine (an embedded OpenSearch, its data under `<local>/opensearch`)
 * beside the other servers and gives it to the apps that write logs as CITE_LOGS_URL, so the api's log search
 * finds cite's own lines; the api also gets CITE_KUBECONFIG for the live tail. An engine that does not start costs
 * the logs their search (one line, and the banner says so), never the platform its start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { jest } from '@jest/globals';
import { freePort, listensOn, openSearchAvailable } from '@cite/local-services';
import {
  cleanUp,
  localDir,
  recorded,
  removeBundles,
  removeLocal,
  startPlatform,
  until,
  within,
  type Run,
} from './support';

jest.setTimeout(120_000);

const LOGGING_APPS = ['api', 'deployer', 'watcher'];

/** The environment process `pid` was started with. */
function environOf(pid: number): Record<string, string> {
  return Object.fromEntries(
    fs
      .readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

/** `GET /api/v1/logs/search?service=<service>` as the admin. */
async function searchLogs(apiPort: number, local: string, service: string) {
  const token = fs.readFileSync(path.join(local, 'admin-token'), 'utf8').trim();
  const response = await fetch(`http://127.0.0.1:${apiPort}/api/v1/logs/search?service=${service}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as { items?: { message: string }[] } };
}

describe('npm start and the search engine', () => {
  const available = openSearchAvailable();
  const locals: string[] = [];
  const runs: Run[] = [];

  afterAll(() => {
    for (const [i, run] of runs.entries()) cleanUp(run, locals[i]!);
    for (const local of locals) removeLocal(local);
    removeBundles();
  });

  async function start(prepare: (local: string) => void = () => undefined) {
    const local = localDir();
    prepare(local);
    const apiPort = await freePort();
    const run = await startPlatform('bash', local, apiPort);
    locals.push(local);
    runs.push(run);
    await run.waitFor('cite is running');
    return { local, apiPort, run };
  }

  async function stop(run: Run) {
    process.kill(run.pid, 'SIGTERM');
    expect(await within(run.exited, 30_000, 'the launcher to stop')).toBe(0);
  }

  it('runs the engine with its data in the local directory and gives it to every app that writes logs', async () => {
    const { local, apiPort, run } = await start();
    const pids = recorded(local);
    for (const app of LOGGING_APPS)
      expect([app, environOf(pids[app]!)['CITE_KUBECONFIG']]).toEqual([app, path.join(local, 'kubeconfig')]);
    if (!available.ok) {
      // No Java here: everything else runs, and the banner says why logs search is off.
      expect(run.output()).toContain(`    logs search off: ${available.reason}\n`);
      for (const app of LOGGING_APPS) expect(environOf(pids[app]!)['CITE_LOGS_URL']).toBeUndefined();
      expect((await searchLogs(apiPort, local, 'cite-api')).status).toBe(501);
      await stop(run);
      return;
    }
    const line = /\n {4}search engine {2}(http:\/\/127\.0\.0\.1:(\d+)) {2}data in (\S+)\n/.exec(run.output());
    expect(line).not.toBeNull();
    const [, url, port, dataDir] = line!;
    expect(dataDir).toBe(path.join(local, 'opensearch'));
    // The engine answering is the one this run started and recorded.
    expect(listensOn(pids['opensearch']!, Number(port))).toBe(true);
    expect(fs.existsSync(path.join(local, 'opensearch', 'opensearch.log'))).toBe(true);
    const health = await fetch(`${url}/_cluster/health`);
    expect([health.status, ((await health.json()) as { status: string }).status]).toEqual([
      200,
      expect.stringMatching(/^(green|yellow)$/),
    ]);
    for (const app of LOGGING_APPS) expect([app, environOf(pids[app]!)['CITE_LOGS_URL']]).toEqual([app, url]);
    expect(run.output()).not.toContain('logs search off');

    // The api's own lines reach the engine, and its log search finds them. A 503 may come while the engine is
    // still creating the day's index that the first lines made ("all shards failed" for a moment).
    await until(
      "the api's own lines in its log search",
      async () => {
        const { status, body } = await searchLogs(apiPort, local, 'cite-api');
        expect([200, 503]).toContain(status);
        return status === 200 && (body.items ?? []).some((item) => item.message === 'api listening');
      },
      30_000,
    );
    await stop(run);
  });

  it('carries on without an engine that does not start, says so in one line, and log search answers 501', async () => {
    // A file where the engine's data directory should be: the engine cannot start, the rest can.
    const { local, apiPort, run } = await start((dir) => fs.writeFileSync(path.join(dir, 'opensearch'), ''));
    const pids = recorded(local);
    expect(pids['opensearch']).toBeUndefined();
    for (const app of LOGGING_APPS) expect(environOf(pids[app]!)['CITE_LOGS_URL']).toBeUndefined();
    const said = run.output().match(/^cite: the search engine did not start: .*$/gm) ?? [];
    const off = /\n {4}logs search off: (.*)\n/.exec(run.output());
    if (available.ok) {
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/opensearch.*; carrying on without it \(logs search off\)$/);
      expect(off?.[1]).toMatch(/^the search engine did not start: /);
    } else {
      expect(said).toEqual([]);
      expect(off?.[1]).toBe(available.reason);
    }
    const search = await searchLogs(apiPort, local, 'cite-api');
    expect(search.status).toBe(501);
    await stop(run);
  });
});
