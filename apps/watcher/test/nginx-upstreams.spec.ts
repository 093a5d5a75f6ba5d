/**
 * The example consumer of cite's load-balancer records (examples/nginx-upstreams/render-upstreams.mjs, contract in
 * docs/lb-records.md), run as a real `node` process against the tests' etcd. Records are written as the contract
 * says cite stores them: `<prefix>lb/<namespace>/<service>`, the JSON of `LbEndpointsSchema`'s output (what the
 * store's value codec writes), through etcd's own JSON gateway. Not through `MetadataStore`: `@cite/store`'s specs
 * import this lib, so importing the store here would make a project cycle that lint refuses.
 *
 * nginx is not installed on the test machines, so the rendered file is compared with the expected text instead of
 * being checked with `nginx -t`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LbEndpoints } from '@cite/model';
import { MetadataStore } from '@cite/store';
import { followOutput, pollUntil, TcpRelay, testEtcdEndpoint, uniquePrefix } from '@cite/test-support';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(root, 'examples/nginx-upstreams/render-upstreams.mjs');
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** One call to etcd's JSON gateway (`/v3/kv/...`), which every etcd serves on its client URL. */
async function etcd(call: 'put' | 'deleterange', body: Record<string, string>): Promise<void> {
  const response = await fetch(`${testEtcdEndpoint()}/v3/kv/${call}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`etcd ${call}: ${response.status} ${await response.text()}`);
}

const stores: MetadataStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

async function lbStore(prefix: string) {
  const key = (namespace: string, service: string) => `${prefix}lb/${namespace}/${service}`;
  const metadata = await MetadataStore.create({ endpoints: [testEtcdEndpoint()], prefix });
  stores.push(metadata);
  return {
    /** A record as the watcher writes it: through the store's `lbEndpoints` repository. */
    put: (record: LbEndpoints) =>
      metadata.lbEndpoints.put(MetadataStore.lbEndpointsId(record.namespace, record.service), record),
    putRaw: (namespace: string, service: string, value: string) =>
      etcd('put', { key: b64(key(namespace, service)), value: b64(value) }),
    delete: (namespace: string, service: string) =>
      etcd('deleterange', { key: b64(key(namespace, service)) }),
    /** Everything under the prefix (the prefix's last byte, `/`, plus one is `0`). */
    clear: () => etcd('deleterange', { key: b64(prefix), range_end: b64(`${prefix.slice(0, -1)}0`) }),
  };
}

const updatedAt = '2026-01-05T10:00:00.000Z';
const record = (
  namespace: string,
  service: string,
  port: number,
  endpoints: LbEndpoints['endpoints'],
): LbEndpoints => ({ namespace, service, port, endpoints, updatedAt });

function run(args: string[]) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const followed = followOutput(child);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return followed.exited;
  };
  return { ...followed, stop };
}

const header = (prefix: string) =>
  `# Generated from etcd ${prefix}lb/ by examples/nginx-upstreams/render-upstreams.mjs; do not edit.\n`;

describe('examples/nginx-upstreams/render-upstreams.mjs', () => {
  let dir: string;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-upstreams-'));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A fresh prefix with its records removed after the test, and an output file of its own. */
  async function setUp(label: string) {
    const prefix = uniquePrefix(`nginx-upstreams-${label}`);
    const store = await lbStore(prefix);
    cleanups.push(() => store.clear());
    const output = path.join(dir, `${label}.conf`);
    const reloads = path.join(dir, `${label}.reloads`);
    const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    return {
      prefix,
      store,
      output,
      args: ['--prefix', prefix, '--output', output, '--reload-command', `echo reloaded >> '${reloads}'`],
      file: () => read(output),
      reloadCount: () => read(reloads).split('\n').filter(Boolean).length,
    };
  }

  it('--once renders one upstream per valid record, a down server for an empty one, and rewrites nothing unchanged', async () => {
    const t = await setUp('once');
    await t.store.put(
      record('cite-payments', 'web', 8080, [
        { ip: '10.60.240.5', port: 8080, node: 'node-0', pod: 'web-6d5f-abcde' },
        { ip: '10.60.240.12', port: 8080 },
      ]),
    );
    await t.store.put(record('cite-payments', 'api', 80, []));
    await t.store.put(record('cite-search', 'index', 9200, [{ ip: '10.60.241.3', port: 9200 }]));
    await t.store.putRaw('cite-payments', 'broken', '{"namespace":"cite-payments"');
    await t.store.putRaw('cite-payments', 'misfiled', JSON.stringify(record('cite-payments', 'web', 1, [])));

    const first = run([...t.args, '--once', '--endpoints', testEtcdEndpoint()]);
    expect(await first.exited).toBe(0);
    expect(t.file()).toBe(
      header(t.prefix) +
        [
          '',
          '# cite-payments/api, service port 80',
          'upstream cite-payments__api {',
          '    server 127.0.0.1:1 down; # no ready endpoint',
          '}',
          '',
          '# cite-payments/web, service port 8080',
          'upstream cite-payments__web {',
          '    server 10.60.240.5:8080;',
          '    server 10.60.240.12:8080;',
          '}',
          '',
          '# cite-search/index, service port 9200',
          'upstream cite-search__index {',
          '    server 10.60.241.3:9200;',
          '}',
          '',
        ].join('\n'),
    );
    expect(first.output()).toContain(`skipping ${t.prefix}lb/cite-payments/broken: not JSON`);
    expect(first.output()).toContain(
      `skipping ${t.prefix}lb/cite-payments/misfiled: namespace and service do not match the key`,
    );
    expect(t.reloadCount()).toBe(1);

    const before = fs.statSync(t.output);
    const second = run([...t.args, '--once', '--endpoints', testEtcdEndpoint()]);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('unchanged: 3 upstreams');
    expect(fs.statSync(t.output).ino).toBe(before.ino);
    expect(t.reloadCount()).toBe(1);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('--once fails with exit code 1 when etcd does not answer, and writes nothing', async () => {
    const t = await setUp('unreachable');
    const relay = await TcpRelay.start(testEtcdEndpoint());
    cleanups.push(() => relay.close());
    relay.cut();
    const child = run([...t.args, '--once', '--endpoints', relay.endpoint, '--timeout-ms', '1000']);
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain(`could not list ${t.prefix}lb/`);
    expect(fs.existsSync(t.output)).toBe(false);
  });

  it('follows the records: a changed, a deleted and a new record show in the file, one reload per write', async () => {
    const t = await setUp('watch');
    await t.store.put(record('cite-payments', 'web', 8080, [{ ip: '10.60.240.5', port: 8080 }]));
    await t.store.put(record('cite-payments', 'api', 80, [{ ip: '10.60.240.9', port: 3000 }]));
    const child = run([...t.args, '--endpoints', testEtcdEndpoint()]);
    cleanups.push(child.stop);
    await child.waitForOutput(`watching ${t.prefix}lb/ from revision`);
    expect(t.file()).toContain('upstream cite-payments__api {\n    server 10.60.240.9:3000;\n}');

    await t.store.put(
      record('cite-payments', 'web', 8080, [
        { ip: '10.60.240.5', port: 8080 },
        { ip: '10.60.242.8', port: 8080 },
      ]),
    );
    await t.store.delete('cite-payments', 'api');
    await t.store.put(record('cite-payments', 'worker', 9000, []));

    const expected =
      header(t.prefix) +
      [
        '',
        '# cite-payments/web, service port 8080',
        'upstream cite-payments__web {',
        '    server 10.60.240.5:8080;',
        '    server 10.60.242.8:8080;',
        '}',
        '',
        '# cite-payments/worker, service port 9000',
        'upstream cite-payments__worker {',
        '    server 127.0.0.1:1 down; # no ready endpoint',
        '}',
        '',
      ].join('\n');
    await pollUntil('the file to show the changes', () => t.file() === expected);
    const writes = () => child.output().match(/: wrote /g)?.length ?? 0;
    await pollUntil('one reload per write', () => t.reloadCount() === writes());
    expect(writes()).toBeGreaterThanOrEqual(2);

    expect(await child.stop()).toBe(0);
    expect(child.output()).toContain('render-upstreams: stopped');
  });

  it('lists again after losing etcd, and keeps the last file while etcd is away', async () => {
    const t = await setUp('relist');
    const relay = await TcpRelay.start(testEtcdEndpoint());
    cleanups.push(() => relay.close());
    await t.store.put(record('cite-payments', 'web', 8080, [{ ip: '10.60.240.5', port: 8080 }]));
    await t.store.put(record('cite-payments', 'api', 80, [{ ip: '10.60.240.9', port: 3000 }]));
    const child = run([...t.args, '--endpoints', relay.endpoint, '--timeout-ms', '1000']);
    cleanups.push(child.stop);
    await child.waitForOutput('watching');
    const before = t.file();
    expect(before).toContain('upstream cite-payments__api {');

    relay.cut();
    await child.waitForOutput('lost the connection to etcd');
    await t.store.delete('cite-payments', 'api');
    await t.store.put(record('cite-payments', 'web', 8080, [{ ip: '10.60.243.4', port: 8080 }]));
    await child.waitForOutput(`could not list ${t.prefix}lb/`);
    expect(t.file()).toBe(before);

    relay.restore();
    await pollUntil('the file to show what changed while etcd was away', () => {
      const file = t.file();
      return !file.includes('cite-payments__api') && file.includes('    server 10.60.243.4:8080;\n');
    });
    expect(child.output().match(/listed \d+ records at revision/g)?.length).toBeGreaterThanOrEqual(2);
    // The file is renamed into place before the reload command runs.
    await pollUntil('the reload after the second write', () => t.reloadCount() === 2);
    // Its log line reaches this process through a pipe, maybe after the reload's own file write is seen.
    await pollUntil('the second write in the log', () => child.output().match(/: wrote /g)?.length === 2);
    expect(t.reloadCount()).toBe(2);
  }, 60_000);
});
