/**
 * The deployer's lines in a release's deploy log (`releaselogs/…`, the api's `ReleaseLog` format): fixed forms per
 * step, so that people and the api can tell progress and verdicts apart. Pure.
 */
/** The steps of a deploy as its log shows them. */
export type DeployStep =
  'started' | 'image' | 'applied' | 'progress' | 'succeeded' | 'failed' | 'superseded' | 'rollback' | 'retry';

export interface DeployLogLine {
  level: 'info' | 'warn' | 'error';
  step: DeployStep;
  message: string;
  reason?: string;
}

/**
 * The text of a deploy-log line: verdicts and progress carry a fixed prefix (`rollout: `, `succeeded: `,
 * `failed (<reason>): `, `superseded: `) so that readers — people and the api — can tell them apart.
 */
export function deployLogMessage(line: DeployLogLine): string {
  switch (line.step) {
    case 'progress':
      return `rollout: ${line.message}`;
    case 'succeeded':
    case 'superseded':
      return `${line.step}: ${line.message}`;
    case 'failed':
      return `failed (${line.reason ?? 'unknown'}): ${line.message}`;
    default:
      return line.message;
  }
}

const STEP_PATTERNS: [DeployStep, RegExp][] = [
  ['started', /^release \d+: (\S+ of |resuming )/],
  ['image', /^image /],
  ['applied', /^applied /],
  ['progress', /^rollout: /],
  ['succeeded', /^succeeded: /],
  ['failed', /^failed \(/],
  ['superseded', /^superseded: /],
  ['rollback', /^rolling back /],
  ['retry', /^attempt \d+ failed/],
];

/** The step a deploy-log line written by `deployLogMessage` is about; null for other lines. */
export function deployStepOf(message: string): DeployStep | null {
  return STEP_PATTERNS.find(([, pattern]) => pattern.test(message))?.[0] ?? null;
}
