/** Logins: `login`, `context list|use`, `whoami`. */
import { Command } from 'commander';
import { ApiClient } from '../client';
import { contextNameOf, normalizeUrl, readConfig, writeConfig } from '../contexts';
import { CliError, EXIT } from '../errors';
import { fields, table } from '../output';
import { type Act } from './shared';

export function sessionCommands(program: Command, act: Act): void {
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
}
