/**
 * `cite`, the command line of cite's public API (commander). Each command is a thin call: arguments → one or a few
 * API calls → a table, or `--json`. Failures are one line and a documented exit code (`errors.ts`).
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { ApiClient } from './client';
import { completionScript } from './completion';
import { contextNameOf, normalizeUrl, readConfig, writeConfig } from './contexts';
import { followRelease } from './deploy-progress';
import { CliError, EXIT } from './errors';
import { age, failureLine, fields, table, write, type Io } from './output';
import { Session } from './session';
import type { Pod, Release, Service, StatusView } from './types';

const collect = (value: string, previous: string[]) => [...previous, value];
const enc = encodeURIComponent;

function integer(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value))
      throw new CliError(`${name} must be a whole number, got "${value}"`, EXIT.usage);
    return Number(value);
  };
}

/** `K=V` pairs → env entries; a pair without `=` is a usage error naming it. */
export function parsePairs(pairs: string[], what = 'env'): { name: string; value: string }[] {
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`${what} "${pair}" must be NAME=value`, EXIT.usage);
    return { name: pair.slice(0, at), value: pair.slice(at + 1) };
  });
}

/** `30s`, `5m`, `2h`, `1d`, or seconds → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new CliError(`--since "${text}" must be a duration like 30s, 5m, 2h or 1d`, EXIT.usage);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

function podsTable(pods: Pod[]): string {
  if (pods.length === 0) return 'no pods\n';
  return table(
    ['pod', 'phase', 'ready', 'restarts', 'node', 'ip', 'age', 'reason'],
    pods.map((p) => [
      p.name,
      p.phase,
      p.ready ? 'yes' : 'no',
      p.restarts,
      p.node,
      p.ip,
      age(p.createdAt),
      p.waitingReason,
    ]),
  );
}

function releasesTable(releases: Release[]): string {
  return table(
    ['#', 'status', 'image', 'cause', 'by', 'age', 'reason'],
    releases.map((r) => [
      r.number,
      r.status,
      r.image,
      r.cause === 'rollback' && r.rollbackOf ? `rollback to ${r.rollbackOf}` : r.cause,
      r.actor,
      age(r.createdAt),
      r.failureReason,
    ]),
  );
}

async function waitForVerdict(session: Session, name: string, release: Release): Promise<number> {
  const verdict = await followRelease(session.api(), name, release.number, session.io.err);
  if (session.options.json)
    await session.print(`${JSON.stringify({ release: release.number, ...verdict })}\n`);
  if (verdict.status === 'succeeded') {
    if (!session.options.json) await session.print(`release ${release.number} succeeded\n`);
    return EXIT.ok;
  }
  const reason = [verdict.failureReason, verdict.message].filter(Boolean).join(': ');
  await write(
    session.io.err,
    `cite: release ${release.number} ${verdict.status}${reason ? `: ${reason}` : ''}\n`,
  );
  return EXIT.failed;
}

/** Builds the program; `exit` receives each command's exit code. */
export function buildProgram(io: Io, exit: (code: number) => void): Command {
  const program = new Command('cite')
    .description(
      "cite's command line: services, deploys, rollbacks, pods, logs and tokens, over the public API",
    )
    .option('--json', 'print what the API answered as JSON (for scripts)', false)
    .option('--context <name>', 'use this login instead of the current one')
    .addHelpText(
      'after',
      `
Environment: CITE_URL and CITE_TOKEN override the saved login (CI); NO_COLOR turns colours off.
Exit codes: 0 ok, 1 a release failed, 2 usage or input refused, 3 not logged in / token refused / not allowed,
4 not found, 5 conflict, 6 server unavailable.`,
    )
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.out.write(t), writeErr: (t) => io.err.write(t) })
    .showHelpAfterError('(add --help for usage)');

  const session = () => new Session(io, program.opts<{ json: boolean; context?: string }>());
  /** Registers an action that answers an exit code (void: 0). */
  const act =
    <A extends unknown[]>(fn: (s: Session, ...args: A) => Promise<number | void>) =>
    async (...args: A) => {
      exit((await fn(session(), ...args)) ?? EXIT.ok);
    };

  // ------------------------------------------------------------------ logins
  program
    .command('login')
    .description('log in to a cite API: ask for a token, check it, save url + token (0600) as a context')
    .argument('[url]', 'the API, e.g. http://localhost:8080', 'http://localhost:8080')
    .option('--token <token>', 'the token (else asked for, or read from stdin when it is not a terminal)')
    .option('--name <context>', 'the context name (default: host-port)')
    .action(
      act(async (s, given: string, options: { token?: string; name?: string }) => {
        const url = normalizeUrl(given);
        let token = options.token ?? s.io.env['CITE_TOKEN'];
        if (!token) {
          if (s.io.in.isTTY) {
            const { default: password } = await import('@inquirer/password');
            token = await password({ message: `API token for ${url}:`, mask: '*' });
          } else {
            let text = '';
            for await (const chunk of s.io.in) text += String(chunk);
            token = text.trim();
          }
        }
        if (!token) throw new CliError('no token given', EXIT.usage);
        const who = await new ApiClient(url, token).get<{ name: string; role: string; teams: string[] }>(
          '/whoami',
        );
        const name = options.name ?? contextNameOf(url);
        const config = readConfig(s.configFile);
        config.contexts[name] = { url, token };
        config.current = name;
        writeConfig(s.configFile, config);
        await s.show(
          { context: name, url, ...who },
          () =>
            `Logged in to ${url} as ${who.name} (${who.role}${who.teams.length ? `, teams ${who.teams.join(', ')}` : ''}); context ${name}\n`,
        );
      }),
    );

  const context = program.command('context').description('saved logins');
  context
    .command('list')
    .description('list saved contexts; * marks the one in use')
    .action(
      act(async (s) => {
        const config = readConfig(s.configFile);
        const rows = Object.entries(config.contexts).map(([name, c]) => ({
          name,
          url: c.url,
          current: name === config.current,
        }));
        await s.show(rows, () =>
          table(
            ['', 'context', 'url'],
            rows.map((r) => [r.current ? '*' : '', r.name, r.url]),
          ),
        );
      }),
    );
  context
    .command('use')
    .description('switch to a saved context')
    .argument('<name>')
    .action(
      act(async (s, name: string) => {
        const config = readConfig(s.configFile);
        if (!config.contexts[name])
          throw new CliError(`no context "${name}" (cite context list)`, EXIT.notFound);
        config.current = name;
        writeConfig(s.configFile, config);
        await s.show({ current: name }, () => `using ${name} (${config.contexts[name]!.url})\n`);
      }),
    );

  program
    .command('whoami')
    .description('who the token is: name, role, teams')
    .action(
      act(async (s) => {
        const who = await s.api().get<{ name: string; role: string; teams: string[] }>('/whoami');
        await s.show({ ...who, url: s.api().baseUrl }, (w) =>
          fields([
            ['name', w.name],
            ['role', w.role],
            ['teams', w.teams.join(', ') || '(all)'],
            ['url', w.url],
          ]),
        );
      }),
    );

  // ------------------------------------------------------------------ services
  program
    .command('services')
    .alias('ls')
    .description('list services with their release and pods')
    .option('--team <team>')
    .option('--label <key=value>', 'only services with this label (repeatable)', collect, [])
    .addOption(new Option('--state <state>').choices(['active', 'deleting', 'deleted']))
    .action(
      act(async (s, o: { team?: string; label: string[]; state?: string }) => {
        const query: Record<string, string | undefined> = { include: 'status', team: o.team, state: o.state };
        const items = await s.api().all<Service>('/services', query);
        const wanted = items.filter((svc) =>
          o.label.every((l) => {
            const [k, v] = l.split('=');
            return svc.labels[k!] === v;
          }),
        );
        await s.show(wanted, (list) =>
          list.length === 0
            ? 'no services\n'
            : table(
                ['name', 'team', 'state', 'release', 'status', 'pods', 'domains'],
                list.map((svc) => [
                  svc.name,
                  svc.team,
                  svc.state,
                  svc.status?.release ? `#${svc.status.release.number}` : '',
                  svc.status?.release?.status,
                  svc.status ? `${svc.status.pods.ready}/${svc.status.pods.desired}` : '',
                  svc.domains.join(','),
                ]),
              ),
        );
      }),
    );

  program
    .command('create')
    .description('register a service')
    .argument('<name>')
    .requiredOption('--image <repository>', 'image repository without tag (registry/team/app)')
    .requiredOption('--port <port>', 'container port', integer('--port'))
    .option('--team <team>', "owning team (default: the token's team, when it acts for exactly one)")
    .option('--replicas <n>', 'replicas', integer('--replicas'))
    .option('--cpu <quantity>', 'cpu request = limit (e.g. 250m)')
    .option('--memory <quantity>', 'memory request = limit (e.g. 256Mi)')
    .option('--env <NAME=value>', 'environment variable (repeatable)', collect, [])
    .option('--domain <host>', 'a host the service answers on (repeatable)', collect, [])
    .option('--repo <owner/name>', 'GitHub repository whose pushes deploy it')
    .action(
      act(
        async (
          s,
          name: string,
          o: {
            image: string;
            port: number;
            team?: string;
            replicas?: number;
            cpu?: string;
            memory?: string;
            env: string[];
            domain: string[];
            repo?: string;
          },
        ) => {
          let team = o.team;
          if (!team) {
            const who = await s.api().get<{ teams: string[] }>('/whoami');
            if (who.teams.length !== 1) {
              const acts = who.teams.length ? `acts for ${who.teams.join(', ')}` : 'acts for every team';
              throw new CliError(
                `say which team owns ${name}: --team <team> (your token ${acts})`,
                EXIT.usage,
              );
            }
            team = who.teams[0]!;
          }
          const body = {
            name,
            team,
            image: o.image,
            port: o.port,
            ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
            ...(o.cpu || o.memory
              ? {
                  resources: {
                    ...(o.cpu ? { cpu: { request: o.cpu, limit: o.cpu } } : {}),
                    ...(o.memory ? { memory: { request: o.memory, limit: o.memory } } : {}),
                  },
                }
              : {}),
            ...(o.env.length ? { env: parsePairs(o.env) } : {}),
            ...(o.domain.length ? { domains: o.domain } : {}),
            ...(o.repo ? { repo: o.repo } : {}),
          };
          const created = await s.api().json<Service>('POST', '/services', { body });
          await s.show(
            created,
            (svc) => `created ${svc.name} (team ${svc.team}); deploy it: cite deploy ${svc.name} <tag>\n`,
          );
        },
      ),
    );

  program
    .command('info')
    .description("a service's spec and status")
    .argument('<name>')
    .action(
      act(async (s, name: string) => {
        const [service, status] = await Promise.all([
          s.api().get<Service>(`/services/${enc(name)}`),
          s.api().get<StatusView>(`/services/${enc(name)}/status`),
        ]);
        await s.show(
          { ...service, status },
          (svc) =>
            fields([
              ['name', svc.name],
              ['team', svc.team],
              ['state', svc.state],
              ['image', svc.image],
              ['port', svc.port],
              ['replicas', svc.replicas],
              ['cpu', `${svc.resources.cpu.request}/${svc.resources.cpu.limit}`],
              ['memory', `${svc.resources.memory.request}/${svc.resources.memory.limit}`],
              ['release', svc.currentRelease === undefined ? 'none yet' : `#${svc.currentRelease}`],
              ['domains', svc.domains.join(', ')],
              ['repo', svc.repo],
              ['env', svc.env.map((e) => e.name).join(', ')],
              ['created', svc.createdAt],
            ]) + (status.observed ? `\n${podsTable(status.observed.pods)}` : ''),
        );
      }),
    );

  program
    .command('delete')
    .description('delete a service (its objects go; its history stays readable)')
    .argument('<name>')
    .option('-y, --yes', 'do not ask', false)
    .action(
      act(async (s, name: string, o: { yes: boolean }) => {
        if (!o.yes) {
          if (!s.io.in.isTTY)
            throw new CliError(
              `refusing to delete ${name} without --yes (no terminal to ask on)`,
              EXIT.usage,
            );
          const { createInterface } = await import('node:readline/promises');
          const rl = createInterface({ input: s.io.in, output: s.io.err });
          const answer = await rl.question(`Delete service ${name}? Type its name to confirm: `);
          rl.close();
          if (answer.trim() !== name) throw new CliError('not deleted', EXIT.usage);
        }
        const deleted = await s.api().json<{ service: Service }>('DELETE', `/services/${enc(name)}`);
        await s.show(deleted, (d) => `${d.service.name}: ${d.service.state}\n`);
      }),
    );

  // ------------------------------------------------------------------ releases
  program
    .command('deploy')
    .description('deploy a tag, a digest (sha256:…) or a full image reference')
    .argument('<name>')
    .argument('<ref>', 'tag, digest or image reference')
    .option('-w, --wait', 'follow the release to its verdict; exit 1 when it fails', false)
    .action(
      act(async (s, name: string, ref: string, o: { wait: boolean }) => {
        const answer = await s
          .api()
          .json<{ release: Release }>('POST', `/services/${enc(name)}/deploys`, { body: { image: ref } });
        if (!o.wait)
          return s.show(
            answer,
            (a) => `release ${a.release.number} of ${name}: ${a.release.image} (${a.release.status})\n`,
          );
        if (!s.options.json)
          await s.note(`release ${answer.release.number} of ${name}: ${answer.release.image}`);
        return waitForVerdict(s, name, answer.release);
      }),
    );

  program
    .command('rollback')
    .description('roll back to the previous good release, or to --to N')
    .argument('<name>')
    .option('--to <n>', 'the release to return to', integer('--to'))
    .option('-w, --wait', 'follow the release to its verdict', false)
    .action(
      act(async (s, name: string, o: { to?: number; wait: boolean }) => {
        const answer = await s.api().json<{ release: Release }>('POST', `/services/${enc(name)}/rollback`, {
          body: o.to === undefined ? {} : { to: o.to },
        });
        if (!o.wait)
          return s.show(
            answer,
            (a) =>
              `release ${a.release.number} of ${name}: rollback to ${a.release.rollbackOf} (${a.release.image})\n`,
          );
        return waitForVerdict(s, name, answer.release);
      }),
    );

  program
    .command('releases')
    .description("a service's releases, newest first")
    .argument('<name>')
    .option('--limit <n>', 'how many', integer('--limit'), 20)
    .action(
      act(async (s, name: string, o: { limit: number }) => {
        const page = await s
          .api()
          .get<{ items: Release[] }>(`/services/${enc(name)}/releases`, { limit: o.limit });
        await s.show(page.items, releasesTable);
      }),
    );

  program
    .command('release')
    .description('one release; --log for its deploy log')
    .argument('<name>')
    .argument('<n>', 'release number', integer('release number'))
    .option('--log', 'print the deploy log', false)
    .action(
      act(async (s, name: string, n: number, o: { log: boolean }) => {
        if (o.log) return s.print(await s.api().text(`/services/${enc(name)}/releases/${n}/log`));
        const r = await s.api().get<Release>(`/services/${enc(name)}/releases/${n}`);
        return s.show(r, () =>
          fields([
            ['release', r.number],
            ['status', r.status],
            ['image', r.image],
            ['git sha', r.gitSha],
            ['cause', r.cause === 'rollback' && r.rollbackOf ? `rollback to ${r.rollbackOf}` : r.cause],
            ['by', r.actor],
            ['created', r.createdAt],
            ['finished', r.finishedAt],
            ['message', r.message],
            ['failure', r.failureReason],
          ]),
        );
      }),
    );

  program
    .command('scale')
    .description('change replicas, cpu or memory (a new release that restarts nothing but what must change)')
    .argument('<name>')
    .option('--replicas <n>', 'replicas', integer('--replicas'))
    .option('--cpu <quantity>', 'cpu request = limit')
    .option('--memory <quantity>', 'memory request = limit')
    .action(
      act(async (s, name: string, o: { replicas?: number; cpu?: string; memory?: string }) => {
        if (o.replicas === undefined && !o.cpu && !o.memory)
          throw new CliError('say what to scale: --replicas, --cpu or --memory', EXIT.usage);
        const body = {
          ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
          ...(o.cpu ? { cpu: o.cpu } : {}),
          ...(o.memory ? { memory: o.memory } : {}),
        };
        const answer = await s
          .api()
          .json<{ release?: Release }>('POST', `/services/${enc(name)}/scale`, { body });
        await s.show(answer, (a) =>
          a.release
            ? `release ${a.release.number} of ${name}: scaled\n`
            : `${name}: scaled (no release yet)\n`,
        );
      }),
    );

  program
    .command('env')
    .description('show, set or unset environment variables: cite env web set K=V …, cite env web unset K …')
    .argument('<name>')
    .argument('[action]', 'set or unset')
    .argument('[pairs...]', 'K=V to set, K to unset')
    .action(
      act(async (s, name: string, action: string | undefined, pairs: string[]) => {
        const service = await s.api().get<Service>(`/services/${enc(name)}`);
        let env = service.env;
        if (action === undefined)
          return s.show(env, (e) =>
            e.length
              ? table(
                  ['name', 'value'],
                  e.map((v) => [v.name, v.value]),
                )
              : 'no environment variables\n',
          );
        if (action !== 'set' && action !== 'unset')
          throw new CliError(`env action must be set or unset, got "${action}"`, EXIT.usage);
        if (pairs.length === 0)
          throw new CliError(
            `cite env ${name} ${action} needs at least one ${action === 'set' ? 'K=V' : 'K'}`,
            EXIT.usage,
          );
        if (action === 'set') {
          const changes = parsePairs(pairs);
          const names = new Set(changes.map((c) => c.name));
          env = [...env.filter((e) => !names.has(e.name)), ...changes];
        } else {
          const unknown = pairs.filter((k) => !env.some((e) => e.name === k));
          if (unknown.length) throw new CliError(`${name} has no ${unknown.join(', ')}`, EXIT.notFound);
          env = env.filter((e) => !pairs.includes(e.name));
        }
        const answer = await s
          .api()
          .json<{ release?: Release }>('PATCH', `/services/${enc(name)}`, { body: { env } });
        await s.show(answer, (a) =>
          a.release ? `release ${a.release.number} of ${name}: env ${action}\n` : `${name}: env ${action}\n`,
        );
      }),
    );

  // ------------------------------------------------------------------ watching
  program
    .command('status')
    .description("a service's pods; --watch follows them")
    .argument('<name>')
    .option('-w, --watch', 'keep the table current until Ctrl-C', false)
    .action(
      act(async (s, name: string, o: { watch: boolean }) => {
        if (!o.watch) {
          const status = await s.api().get<StatusView>(`/services/${enc(name)}/status`);
          return s.show(
            status,
            (v) =>
              `${v.service}: ${v.state}${v.observed?.release ? `, release #${v.observed.release}` : ''}\n${podsTable(v.observed?.pods ?? [])}`,
          );
        }
        const pods = new Map<string, Pod>();
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        const redraw = async () => {
          const list = [...pods.values()].sort((a, b) => a.name.localeCompare(b.name));
          if (s.options.json) return;
          await s.print(
            `${s.io.out.isTTY ? '\x1b[2J\x1b[H' : ''}${new Date().toISOString()}\n${podsTable(list)}`,
          );
        };
        await s.api().events(
          `/services/${enc(name)}/pods/events`,
          {},
          (event) => {
            const data = JSON.parse(event.data || '{}') as { pods?: Pod[]; type?: string; pod?: Pod };
            if (s.options.json) s.io.out.write(`${JSON.stringify({ event: event.event, ...data })}\n`);
            if (event.event === 'snapshot') for (const pod of data.pods ?? []) pods.set(pod.name, pod);
            else if (event.event === 'pod' && data.pod) {
              if (data.type === 'removed') pods.delete(data.pod.name);
              else pods.set(data.pod.name, data.pod);
            } else return;
            void redraw();
          },
          controller.signal,
        );
      }),
    );

  program
    .command('logs')
    .description("a service's pods' logs, merged and prefixed with the pod")
    .argument('<name>')
    .option('-f, --follow', 'keep following (Ctrl-C stops)', false)
    .option('--tail <n>', 'lines per pod to start with', integer('--tail'))
    .option('--since <duration>', 'only lines newer than this (30s, 5m, 2h)')
    .option('--pod <pod>', 'one pod only')
    .action(
      act(async (s, name: string, o: { follow: boolean; tail?: number; since?: string; pod?: string }) => {
        const c = s.colors;
        const palette = [c.cyan, c.magenta, c.yellow, c.green, c.blue, c.red];
        const colourOf = new Map<string, (t: string) => string>();
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        await s.api().events(
          `/services/${enc(name)}/logs`,
          {
            follow: o.follow,
            tailLines: o.tail,
            sinceSeconds: o.since ? parseDuration(o.since) : undefined,
            pod: o.pod,
            format: 'sse',
          },
          (event) => {
            if (event.event !== 'log') return;
            const line = JSON.parse(event.data) as {
              pod: string;
              container: string;
              time: string;
              message: string;
            };
            if (s.options.json) return void s.io.out.write(`${JSON.stringify(line)}\n`);
            if (!colourOf.has(line.pod)) colourOf.set(line.pod, palette[colourOf.size % palette.length]!);
            s.io.out.write(`${colourOf.get(line.pod)!(line.pod)} ${line.message}\n`);
          },
          controller.signal,
        );
      }),
    );

  program
    .command('domains')
    .description('domains and the services that own them')
    .option('--service <name>', "one service's domains")
    .action(
      act(async (s, o: { service?: string }) => {
        const items = await s.api().all<{
          host: string;
          service?: string;
          ingress?: string;
          targets: string[];
          conflict?: { with: string };
        }>('/domains', { service: o.service });
        await s.show(items, (list) =>
          list.length
            ? table(
                ['host', 'service', 'targets', 'conflict'],
                list.map((d) => [d.host, d.service ?? d.ingress, d.targets.join(','), d.conflict?.with]),
              )
            : 'no domains\n',
        );
      }),
    );

  program
    .command('whose-ip')
    .description('which pod, service and node hold an address')
    .argument('<ip>')
    .action(
      act(async (s, ip: string) => {
        const answer = await s.api().get<Record<string, unknown>>(`/network/ips/${enc(ip)}`);
        await s.show(answer, (a) =>
          fields(
            Object.entries(a).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : (v as string)]),
          ),
        );
      }),
    );

  // ------------------------------------------------------------------ admin
  const tokens = program.command('tokens').description('API tokens (admins)');
  tokens
    .command('create')
    .description('create a token; its secret is printed once')
    .requiredOption('--name <name>', 'what it is for')
    .addOption(new Option('--role <role>').choices(['member', 'admin']).default('member'))
    .option('--team <team>', 'a team a member token acts for (repeatable)', collect, [])
    .option('--expires <time>', 'RFC 3339 time it stops working')
    .action(
      act(async (s, o: { name: string; role: string; team: string[]; expires?: string }) => {
        const body = {
          name: o.name,
          role: o.role,
          teams: o.team,
          ...(o.expires ? { expiresAt: o.expires } : {}),
        };
        const created = await s
          .api()
          .json<{ token: { id: string }; secret: string }>('POST', '/tokens', { body });
        await s.show(
          created,
          (c) => `token ${c.token.id} created; its secret (shown only now):\n${c.secret}\n`,
        );
      }),
    );
  tokens
    .command('list')
    .description('tokens (no secrets)')
    .action(
      act(async (s) => {
        const items = await s.api().all<{
          id: string;
          name: string;
          role: string;
          teams: string[];
          createdAt: string;
          expiresAt?: string;
        }>('/tokens');
        await s.show(items, (list) =>
          table(
            ['id', 'name', 'role', 'teams', 'age', 'expires'],
            list.map((t) => [t.id, t.name, t.role, t.teams.join(','), age(t.createdAt), t.expiresAt]),
          ),
        );
      }),
    );
  tokens
    .command('revoke')
    .description('revoke a token')
    .argument('<id>')
    .action(
      act(async (s, id: string) => {
        await s.api().json('DELETE', `/tokens/${enc(id)}`);
        await s.show({ revoked: id }, () => `revoked ${id}\n`);
      }),
    );

  program
    .command('audit')
    .description('the audit trail, newest first (admins)')
    .option('--during <prefix>', 'a UTC time prefix: 2024-05-01, 2024-05-01T12')
    .option('--limit <n>', 'how many', integer('--limit'), 50)
    .action(
      act(async (s, o: { during?: string; limit: number }) => {
        const page = await s
          .api()
          .get<{ items: { time: string; actor: string; action: string; target: string; outcome: string }[] }>(
            '/audit',
            { during: o.during, limit: o.limit },
          );
        await s.show(page.items, (list) =>
          table(
            ['time', 'actor', 'action', 'target', 'outcome'],
            list.map((e) => [e.time, e.actor, e.action, e.target, e.outcome]),
          ),
        );
      }),
    );

  program
    .command('completion')
    .description('print a shell completion script: source <(cite completion bash)')
    .addArgument(new Argument('<shell>').choices(['bash', 'zsh']))
    .action(
      act(async (s, shell: 'bash' | 'zsh') => {
        await s.print(completionScript(program, shell));
      }),
    );

  return program;
}

/** Runs the CLI; answers the exit code. */
export async function run(args: string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ||
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    if ((error as Error).name === 'ExitPromptError') return EXIT.usage;
    const { line, code: failed } = failureLine(error);
    await write(io.err, `${line}\n`);
    return failed;
  }
  return code;
}
