/** Admins and the shell: `tokens`, `audit`, `completion`. */
import { Argument, Command, Option } from 'commander';
import { completionScript } from '../completion';
import { age, table } from '../output';
import { collect, enc, integer, type Act } from './shared';

export function adminCommands(program: Command, act: Act): void {
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
}
