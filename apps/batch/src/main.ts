/**
 * cite-batch: one run of one task (`cite-batch <task> [--dry-run] [--json]`), under the task's lock, its report
 * saved to etcd. Run by CronJobs in production, by `npm start`'s scheduler locally, and by hand
 * (`npm run batch -- <task>`). Wiring only; the tasks live in @cite/batch.
 */
import os from 'node:os';
import { loadConfigOrExit } from '@cite/config';
import { ConflictError } from '@cite/errors';
import { runTask, oneLine, type BatchTaskRun } from '@cite/batch';
import { MetadataStore } from '@cite/store';
import { EXIT, parseArgs } from './cli';
import { renderReport } from './output';
import { lineProgress, terminalProgress } from './progress';
import { buildTask } from './tasks';

const parsed = parseArgs(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
);
if ('exit' in parsed) process.exit(parsed.exit);
const { invocation } = parsed;
const config = loadConfigOrExit(process.env, 'batch');
const runner = `${os.hostname()}/${process.pid}`;
const progress =
  process.stderr.isTTY && !invocation.json
    ? terminalProgress(invocation.task, process.stderr)
    : lineProgress(invocation.task, process.stderr);

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`cite-batch ${invocation.task}: ${signal}, stopping after the current step\n`);
    controller.abort();
  });
}

/** Writes to stdout and waits until it is flushed: a pipe takes a large report in chunks, and exit would cut it. */
const print = (text: string) => new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));

let code: number = EXIT.failed;
let store: MetadataStore | undefined;
let lockStore: MetadataStore | undefined;
let close: () => Promise<void> = async () => undefined;
const connect = (prefix: string) =>
  MetadataStore.create({
    endpoints: config.etcd.endpoints,
    prefix,
    timeoutMs: config.etcd.timeoutMs,
    verify: true,
  });
try {
  store = await connect(config.etcd.prefix);
  // A restore fills cite's prefix, which must be empty: its lock lives beside it (`/cite/v1-restore/locks/…`).
  if (invocation.task === 'etcd-restore')
    lockStore = await connect(`${config.etcd.prefix.slice(0, -1)}-restore/`);
  let task: BatchTaskRun;
  ({ task, close } = await buildTask(invocation, config, store, runner));
  const outcome = await runTask(task, {
    store,
    ...(lockStore ? { lockStore } : {}),
    dryRun: invocation.dryRun,
    trigger: invocation.trigger,
    runner,
    keep: config.batch.reportsKeep,
    progress,
    signal: controller.signal,
  });
  progress.stop();
  await print(
    invocation.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : renderReport(outcome.report),
  );
  if (!outcome.saved)
    process.stderr.write(`cite-batch ${invocation.task}: the report could not be saved to etcd\n`);
  if (outcome.exitCode !== 0)
    process.stderr.write(`cite-batch ${invocation.task}: failed: ${outcome.report.summary}\n`);
  code = outcome.exitCode;
} catch (error) {
  progress.stop();
  process.stderr.write(`cite-batch ${invocation.task}: ${oneLine(error)}\n`);
  code = error instanceof ConflictError ? EXIT.busy : EXIT.failed;
} finally {
  await close().catch(() => undefined);
  await store?.close().catch(() => undefined);
  await lockStore?.close().catch(() => undefined);
}
process.exit(code);
