/** `CITE_BATCH_SCHEDULES`: which batch tasks `npm start` runs, and when (cron expressions read by croner). */
import { ConfigError } from '@cite/errors';
import { Cron } from 'croner';

/** Batch tasks `npm start` may schedule (`etcd-restore` never is). */
export const SCHEDULABLE_TASKS = [
  'gc',
  'etcd-backup',
  'log-retention',
  'health-check',
  'node-report',
] as const;

/** `CITE_BATCH_SCHEDULES`: `task=cron;task=cron`, each task known and once, each expression one croner reads. */
export function batchSchedules(value: string): Record<string, string> {
  const schedules: Record<string, string> = {};
  if (value.trim() === 'none') return schedules;
  for (const part of value
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const equals = part.indexOf('=');
    const task = part.slice(0, Math.max(equals, 0)).trim();
    const expression = part.slice(equals + 1).trim();
    if (equals <= 0 || !(SCHEDULABLE_TASKS as readonly string[]).includes(task)) {
      throw new ConfigError(
        'CITE_BATCH_SCHEDULES',
        `"${part}" must be task=cron expression, task one of ${SCHEDULABLE_TASKS.join(', ')}`,
      );
    }
    if (schedules[task] !== undefined)
      throw new ConfigError('CITE_BATCH_SCHEDULES', `${task} is scheduled twice`);
    try {
      new Cron(expression, { paused: true }).stop();
    } catch (error) {
      throw new ConfigError(
        'CITE_BATCH_SCHEDULES',
        `"${expression}" (${task}) is not a cron expression: ${(error as Error).message}`,
      );
    }
    schedules[task] = expression;
  }
  return schedules;
}
