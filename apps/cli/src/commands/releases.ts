/** Releases: `deploy`, `rollback`, `releases`, `release`, `scale`, `env`. */
import { Command } from 'commander';
import { CliError, EXIT } from '../errors';
import { fields, table } from '../output';
import type { Release, Service } from '../types';
import { enc, integer, parsePairs, releasesTable, waitForVerdict, type Act } from './shared';

export function releasesCommands(program: Command, act: Act): void {
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
}
