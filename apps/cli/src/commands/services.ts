/** Services: `services`, `create`, `info`, `delete`. */
import { Command, Option } from 'commander';
import { CliError, EXIT } from '../errors';
import { fields, table } from '../output';
import type { Service, StatusView } from '../types';
import { collect, enc, integer, parsePairs, podsTable, type Act } from './shared';

export function servicesCommands(program: Command, act: Act): void {
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
}
