/**
 * `cite`, the command line of cite's public API (commander). Each command is a thin call: arguments → one or a few
 * API calls → a table, or `--json` (the commands are in `commands/`). Failures are one line and a documented exit
 * code (`errors.ts`).
 */
import { Command, CommanderError } from 'commander';
import { adminCommands } from './commands/admin';
import { observeCommands } from './commands/observe';
import { releasesCommands } from './commands/releases';
import { servicesCommands } from './commands/services';
import { sessionCommands } from './commands/session';
import type { Act } from './commands/shared';
import { EXIT } from './errors';
import { failureLine, write, type Io } from './output';
import { Session } from './session';

export { parseDuration, parsePairs } from './commands/shared';
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
  const act: Act =
    <A extends unknown[]>(fn: (s: Session, ...args: A) => Promise<number | void>) =>
    async (...args: A) => {
      exit((await fn(session(), ...args)) ?? EXIT.ok);
    };

  for (const register of [
    sessionCommands,
    servicesCommands,
    releasesCommands,
    observeCommands,
    adminCommands,
  ]) {
    register(program, act);
  }
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
