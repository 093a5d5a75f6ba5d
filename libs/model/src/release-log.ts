/**
 * One line of a release's deploy log (`releaselogs/<service>/<release>/<seq>` in etcd): the deployer appends
 * while it works on the release; the api lists and follows.
 */
import { z } from 'zod';
import { TimestampSchema } from './fields';

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export const MAX_LOG_MESSAGE_LENGTH = 8192;

export const ReleaseLogLineSchema = z.object({
  /** 1, 2, 3, … in the order written. */
  seq: z.number().int().min(1),
  time: TimestampSchema,
  level: z.enum(LOG_LEVELS),
  message: z.string().max(MAX_LOG_MESSAGE_LENGTH),
  /** Who wrote it: `deployer`, `registry`, `kubernetes`, … */
  source: z.string().max(64).optional(),
});
export type ReleaseLogLine = z.infer<typeof ReleaseLogLineSchema>;
