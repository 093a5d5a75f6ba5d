/**
 * The non-Kubernetes install (ansible/) with the real tools from Debian's ansible and ansible-lint packages
 * (scripts/ensure-deps.sh installs them): the site playbook passes Ansible's syntax check against the example
 * inventory, whose hosts are the seed's ten nodes; ansible-lint (production profile, offline) finds nothing; and
 * the cite_apps role runs on this machine — first in check mode (which shows the units it would write and changes
 * nothing), then for real into a temporary root standing in for /, after which systemd-analyze accepts its units
 * and a second check reports nothing to change. The etcd role's TLS material (made with community.crypto) and its
 * member configuration start a real etcd serving https, which cite's etcd client reaches with the CA setting the
 * cite_apps role writes. Nothing outside temporary directories is touched: no user is created, no service is
 * started, no file under the real /etc is written.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { DEFAULT_POOL } from '@cite/ip-pool';
import { freePort } from '@cite/local-services';

jest.setTimeout(150_000);

const root = path.resolve(import.meta.dirname, '../../..');
const ANSIBLE = path.join(root, 'ansible');
const APPS = ['api', 'deployer', 'watcher'];
const TASKS = ['gc', 'etcd-backup', 'log-retention', 'health-check', 'node-report'];
const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef-xyz';

let work: string;
/** The temporary root the role installs into (check mode: must stay absent). */
let target: string;
let varsFile: string;

interface Run {
  code: number | null;
  output: string;
}

/** Runs one of Ansible's tools in ansible/, bounded in time, with every cache and temporary file in `work`. */
function run(command: string, args: string[], timeoutMs = 120_000): Run {
  const home = path.join(work, 'home');
  const result = spawnSync(command, args, {
    cwd: ANSIBLE,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      HOME: home,
      XDG_CACHE_HOME: path.join(home, '.cache'),
      ANSIBLE_CONFIG: path.join(ANSIBLE, 'ansible.cfg'),
      ANSIBLE_LOCAL_TEMP: path.join(work, 'ansible-local'),
      ANSIBLE_REMOTE_TEMP: path.join(work, 'ansible-remote'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      NO_COLOR: '1',
      PY_COLORS: '0',
    },
  });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** `ok=… changed=… failed=…` of the play recap's line for `host`. */
function recap(output: string, host = 'localhost'): Record<string, number> {
  const line = output.split('\n').find((text) => text.startsWith(`${host} `) && text.includes(' ok='));
  if (!line) throw new Error(`no play recap for ${host} in:\n${output}`);
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((match) => [match[1]!, Number(match[2])]));
}

/** The test playbook with the test variables; `check` adds --check --diff. */
function citeApps(check: boolean): Run {
  const mode = check ? ['--check', '--diff'] : [];
  return run('ansible-playbook', [
    '-i',
    'localhost,',
    '-c',
    'local',
    ...mode,
    '-e',
    `@${varsFile}`,
    'tests/cite_apps.yml',
  ]);
}

beforeAll(() => {
  const found = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (found.status !== 0) {
    throw new Error(
      'ansible-playbook is missing: run `bash scripts/ensure-deps.sh system` (Debian packages ansible, ansible-lint)',
    );
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-ansible-'));
  fs.mkdirSync(path.join(work, 'home'));
  target = path.join(work, 'root');
  // Stand-ins for `npm run build`'s bundles.
  const dist = path.join(work, 'dist');
  for (const app of [...APPS, 'batch']) {
    fs.mkdirSync(path.join(dist, 'apps', app), { recursive: true });
    fs.writeFileSync(path.join(dist, 'apps', app, 'main.mjs'), `console.log('cite ${app}');\n`);
  }
  fs.mkdirSync(path.join(dist, 'apps', 'web'));
  fs.writeFileSync(path.join(dist, 'apps', 'web', 'index.html'), '<!doctype html><title>cite</title>\n');
  fs.writeFileSync(path.join(work, 'etcd-ca.crt'), 'stand-in CA\n');
  const user = os.userInfo().username;
  const group = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();
  varsFile = path.join(work, 'vars.json');
  fs.writeFileSync(
    varsFile,
    JSON.stringify({
      cite_dist_dir: dist,
      cite_install_dir: `${target}/opt/cite`,
      cite_config_dir: `${target}/etc/cite`,
      cite_unit_dir: `${target}/etc/systemd/system`,
      cite_bin_dir: `${target}/usr/local/bin`,
      cite_state_dir: `${target}/var/lib/cite`,
      cite_manage_user: false,
      cite_manage_services: false,
      cite_user: user,
      cite_group: group,
      cite_config_owner: user,
      // The Node running this test: the role checks it is Node 22 or later.
      cite_node_bin: process.execPath,
      cite_admin_token: ADMIN_TOKEN,
      cite_etcd_ca_src: path.join(work, 'etcd-ca.crt'),
      cite_etcd_endpoints: 'https://10.60.25.139:2379,https://10.60.25.140:2379,https://10.60.25.141:2379',
      cite_env: {
        CITE_WATCHER_LB_VIPS: '10.60.25.250',
        CITE_BATCH_SCHEDULES: 'gc=*/30 * * * *;note="$HOME"',
      },
    }),
  );
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('ansible/', () => {
  it('passes the syntax check of site.yml against the example inventory', () => {
    const result = run('ansible-playbook', [
      '--syntax-check',
      '-i',
      'inventory/example/hosts.yml',
      'site.yml',
    ]);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    expect(result.output).toContain('playbook: site.yml');
  });

  it("has the seed's ten nodes in its example inventory, and points cite at them", () => {
    const listed = run('ansible-inventory', ['-i', 'inventory/example/hosts.yml', '--list']);
    expect(listed.code).toBe(0);
    const inventory = JSON.parse(listed.output.slice(listed.output.indexOf('{'))) as {
      _meta: { hostvars: Record<string, { ansible_host: string }> };
    } & Record<string, { hosts?: string[] }>;
    const addresses = Object.fromEntries(
      Object.entries(inventory._meta.hostvars).map(([host, vars]) => [host, vars.ansible_host]),
    );
    expect(addresses).toEqual(
      Object.fromEntries(DEFAULT_POOL.nodes.map((node) => [node.name, node.address])),
    );
    expect(inventory['etcd']?.hosts).toHaveLength(3);
    expect(inventory['redis']?.hosts).toHaveLength(1);
    expect(inventory['registry']?.hosts).toHaveLength(1);
    expect(inventory['cite_apps']?.hosts?.length).toBeGreaterThan(0);

    // The wiring in group_vars, evaluated by Ansible for an app host (debug runs on the controller only).
    const shown = run('ansible', [
      '-i',
      'inventory/example/hosts.yml',
      'node-10-60-25-203',
      '-m',
      'ansible.builtin.debug',
      '-a',
      'msg={{ cite_etcd_endpoints }}|{{ cite_redis_url }}|{{ cite_registry_url }}|{{ cite_batch_enabled }}',
      '-e',
      'vault_redis_password=p@ss/word-of-the-test',
    ]);
    expect(shown.code).toBe(0);
    expect(shown.output).toContain(
      '"msg": "https://10.60.25.139:2379,https://10.60.25.140:2379,https://10.60.25.141:2379' +
        '|redis://:p%40ss%2Fword-of-the-test@10.60.25.142:6379|http://10.60.25.143:5000|True"',
    );
  });

  it('passes ansible-lint (production profile, offline) with no violation', () => {
    const result = run('ansible-lint', ['--offline', '--nocolor']);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    expect(result.output).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
  });

  it('runs cite_apps in check mode: shows the units, env file and timers it would write, changes nothing', () => {
    const result = citeApps(true);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    const output = result.output;
    expect(recap(output)).toMatchObject({ failed: 0, unreachable: 0 });
    // Directories, bundles, web UI, etcd CA, env file, cite-batch, app units, batch units, timers.
    expect(recap(output)['changed']).toBe(9);
    expect(output).toContain('TASK [cite_apps : Write the app units]');
    for (const app of APPS) {
      expect(output).toContain(`changed: [localhost] => (item=${app})`);
      expect(output).toContain(`+Description=cite ${app}\n`);
      expect(output).toContain(`+ExecStart=${process.execPath} ${target}/opt/cite/dist/apps/${app}/main.mjs`);
    }
    for (const task of TASKS) {
      expect(output).toContain(`changed: [localhost] => (item=cite-batch-${task}.service)`);
      expect(output).toMatch(
        new RegExp(`changed: \\[localhost\\] => \\(item=cite-batch-${task}\\.timer \\(`),
      );
      expect(output).toContain(`+ExecStart=${target}/usr/local/bin/cite-batch ${task} --trigger schedule`);
    }
    expect(output).toContain('+OnCalendar=*:0/30');
    expect(output).toContain('+NoNewPrivileges=yes');
    expect(output).toContain('+ProtectSystem=strict');
    expect(output).toContain('+Restart=on-failure');
    expect(output).toMatch(/TASK \[cite_apps : Write the environment file\][^\n]*\nchanged: \[localhost\]/);
    // No service is started (cite_manage_services is false), and the env file's secrets are not shown.
    expect(output).toMatch(/TASK \[cite_apps : Enable and start the apps\][^\n]*\nskipping: /);
    expect(output).not.toContain(ADMIN_TOKEN);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('applies cite_apps into a temporary root, whose units systemd accepts; a second check changes nothing', () => {
    const applied = citeApps(false);
    expect({ code: applied.code, output: applied.output }).toMatchObject({ code: 0 });
    expect(recap(applied.output)).toMatchObject({ changed: 9, failed: 0 });

    const units = path.join(target, 'etc/systemd/system');
    expect(fs.readdirSync(units).sort()).toEqual(
      [
        ...APPS.map((app) => `cite-${app}.service`),
        ...TASKS.flatMap((task) => [`cite-batch-${task}.service`, `cite-batch-${task}.timer`]),
      ].sort(),
    );
    for (const app of APPS)
      expect(fs.existsSync(path.join(target, 'opt/cite/dist/apps', app, 'main.mjs'))).toBe(true);
    const envFile = path.join(target, 'etc/cite/cite.env');
    expect(fs.statSync(envFile).mode & 0o777).toBe(0o640);
    expect(fs.statSync(path.join(target, 'etc/cite')).mode & 0o777).toBe(0o750);
    const env = fs.readFileSync(envFile, 'utf8');
    expect(env).toContain(`CITE_ADMIN_TOKEN="${ADMIN_TOKEN}"`);
    expect(env).toContain(
      'CITE_ETCD_ENDPOINTS="https://10.60.25.139:2379,https://10.60.25.140:2379,https://10.60.25.141:2379"',
    );
    expect(env).toContain(`CITE_WEB_DIR="${target}/opt/cite/dist/apps/web"`);
    expect(env).toContain(`GRPC_DEFAULT_SSL_ROOTS_FILE_PATH="${target}/etc/cite/etcd-ca.crt"`);
    expect(fs.readFileSync(path.join(target, 'etc/cite/etcd-ca.crt'), 'utf8')).toBe('stand-in CA\n');
    // Quoting that systemd and sh both read back: sh gets the exact value.
    const read = spawnSync('sh', ['-c', `set -a; . "${envFile}"; printf %s "$CITE_BATCH_SCHEDULES"`], {
      encoding: 'utf8',
    });
    expect(read.stdout).toBe('gc=*/30 * * * *;note="$HOME"');
    expect(fs.statSync(path.join(target, 'usr/local/bin/cite-batch')).mode & 0o111).toBe(0o111);
    const api = fs.readFileSync(path.join(units, 'cite-api.service'), 'utf8');
    expect(api).toContain(`EnvironmentFile=${envFile}\n`);
    expect(api).toContain('RestartPreventExitStatus=78\n');

    // systemd's own parser on the units (no running systemd needed), where this machine has it.
    const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (analyze.status === 0) {
      const files = fs.readdirSync(units).map((file) => path.join(units, file));
      const verified = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ code: verified.status, output: `${verified.stdout}${verified.stderr}` }).toEqual({
        code: 0,
        output: '',
      });
    }

    const again = citeApps(true);
    expect(again.code).toBe(0);
    expect(recap(again.output)).toMatchObject({ changed: 0, failed: 0 });
  });
  it("makes etcd's TLS material and member configuration: etcd serves https, cite's client trusts it", async () => {
    const dir = path.join(work, 'etcd');
    fs.mkdirSync(path.join(dir, 'member'), { recursive: true });
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const vars = path.join(dir, 'vars.json');
    fs.writeFileSync(
      vars,
      JSON.stringify({
        ansible_host: '127.0.0.1',
        etcd_group: 'all',
        etcd_client_port: clientPort,
        etcd_peer_port: peerPort,
        etcd_pki_local_dir: path.join(dir, 'pki'),
        etcd_pki_dir: path.join(dir, 'member'),
        etcd_data_dir: path.join(dir, 'data'),
        etcd_test_env_file: path.join(dir, 'etcd.env'),
      }),
    );
    const playbook = ['-i', 'localhost,', '-c', 'local', '-e', `@${vars}`, 'tests/etcd_tls.yml'];
    const made = run('ansible-playbook', playbook);
    expect({ code: made.code, output: made.output }).toMatchObject({ code: 0 });
    // Made once: a second run keeps the CA and the certificate.
    const again = run('ansible-playbook', playbook);
    expect(recap(again.output)).toMatchObject({ changed: 0, failed: 0 });

    // etcd with exactly the ETCD_* settings the role writes to /etc/default/etcd.
    const settings = Object.fromEntries(
      [...fs.readFileSync(path.join(dir, 'etcd.env'), 'utf8').matchAll(/^(ETCD_\w+)="(.*)"$/gm)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    expect(settings['ETCD_LISTEN_CLIENT_URLS']).toBe(`https://127.0.0.1:${clientPort}`);
    expect(settings['ETCD_PEER_CLIENT_CERT_AUTH']).toBe('true');
    const etcd = spawn('etcd', [], {
      env: { PATH: process.env['PATH'] ?? '', HOME: path.join(work, 'home'), ...settings },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let etcdLog = '';
    etcd.stderr.on('data', (chunk: Buffer) => (etcdLog = (etcdLog + chunk.toString()).slice(-4000)));
    try {
      // cite's etcd client (etcd3 over gRPC, no client certificate) with and without the CA setting cite.env has.
      const put = (trust: boolean) =>
        spawnSync(
          process.execPath,
          [
            '--no-deprecation',
            '--input-type=module',
            '-e',
            "import { Etcd3 } from 'etcd3'; const c = new Etcd3({ hosts: [process.argv[1]], dialTimeout: 2000 });" +
              " try { await c.put('cite').value('tls'); console.log(await c.get('cite').string()); }" +
              ' catch (e) { console.log(e.message); process.exitCode = 1; } finally { c.close(); }',
            `https://127.0.0.1:${clientPort}`,
          ],
          {
            cwd: root,
            encoding: 'utf8',
            timeout: 20_000,
            env: {
              PATH: process.env['PATH'] ?? '',
              ...(trust ? { GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: path.join(dir, 'member', 'ca.crt') } : {}),
            },
          },
        );
      const deadline = Date.now() + 30_000;
      let trusted = put(true);
      while (trusted.status !== 0 && Date.now() < deadline && etcd.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        trusted = put(true);
      }
      expect({
        code: trusted.status,
        out: trusted.stdout.trim(),
        etcd: trusted.status === 0 ? '' : etcdLog,
      }).toEqual({
        code: 0,
        out: 'tls',
        etcd: '',
      });
      const untrusted = put(false);
      expect(untrusted.status).toBe(1);
      expect(untrusted.stdout).toMatch(/certificate/);
    } finally {
      etcd.kill('SIGKILL');
    }
  });
});
