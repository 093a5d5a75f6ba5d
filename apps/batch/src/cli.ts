/**
 * `cite-batch <task> [--dry-run] [--json]`: the command line, parsed with commander. Exit codes: 0 the task
 * succeeded; 1 it failed (the reason on one line, the report saved); 2 usage; 3 another run of the task holds its
 * lock; 78 configuration.
 */
import { Command, CommanderError, Option } from 'commander';
import type { BatchTask } from '@cite/model';

export const EXIT = { ok: 0, failed: 1, usage: 2, busy: 3, config: 78 } as const;

export interface Invocation {
  task: BatchTask;
  dryRun: boolean;
  json: boolean;
  trigger: 'manual' | 'schedule';
  /** etcd-backup: the directory; etcd-restore: the directory holding the newest snapshot. */
  dir?: string;
  /** etcd-restore: the snapshot to restore. */
  file?: string;
}

const DESCRIPTIONS: Record<BatchTask, string> = {
  gc: 'delete cite-managed objects and records nothing needs (old ReplicaSets, leftovers of deleted services, expired keys, old deploy logs)',
  'etcd-backup': 'snapshot etcd into the backup directory, with a .sha256 file; keep the newest N',
  'etcd-restore':
    "restore cite's keys from a snapshot into an empty etcd (the newest in the backup directory, or FILE)",
  'log-retention': 'delete search-engine log indices past their retention, by the date in their names',
  'health-check': "probe every service's health path on its ready endpoints; flag drift and restarting pods",
  'node-report': 'per node: Ready, pods, pod-range use, requests vs allocatable, load-balancer backends',
};

export type Parsed = { invocation: Invocation } | { exit: number };

/** Parses `args` (without node and the script); help and errors are written to `out` / `err`. */
export function parseArgs(
  args: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
): Parsed {
  let invocation: Invocation | undefined;
  const program = new Command('cite-batch')
    .description("cite's scheduled work, run by CronJobs in production and by npm start locally")
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 the task failed (one line says why), 2 usage, 3 already running, 78 configuration.',
    )
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError('(cite-batch --help lists the tasks)');
  for (const [task, description] of Object.entries(DESCRIPTIONS) as [BatchTask, string][]) {
    const command = program
      .command(task)
      .description(description)
      .option('--dry-run', 'find and report only; change nothing', false)
      .option('--json', 'print the report as JSON on stdout', false)
      .addOption(
        new Option('--trigger <trigger>', 'who started the run')
          .choices(['manual', 'schedule'])
          .default('manual')
          .hideHelp(),
      );
    if (task === 'etcd-backup')
      command.option('--dir <dir>', 'backup directory (default: CITE_BATCH_BACKUP_DIR)');
    if (task === 'etcd-restore') {
      command
        .argument('[file]', 'snapshot to restore (default: the newest in the backup directory)')
        .option('--dir <dir>', 'backup directory (default: CITE_BATCH_BACKUP_DIR)');
    }
    command.action((...received: unknown[]) => {
      const file = task === 'etcd-restore' ? (received[0] as string | undefined) : undefined;
      const options = command.opts<{
        dryRun: boolean;
        json: boolean;
        trigger: Invocation['trigger'];
        dir?: string;
      }>();
      invocation = {
        task,
        dryRun: options.dryRun,
        json: options.json,
        trigger: options.trigger,
        ...(options.dir ? { dir: options.dir } : {}),
        ...(file ? { file } : {}),
      };
    });
  }
  try {
    program.parse(args as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return { exit: error.exitCode === 0 ? EXIT.ok : EXIT.usage };
    }
    throw error;
  }
  if (!invocation) {
    err(program.helpInformation());
    return { exit: EXIT.usage };
  }
  return { invocation };
}
