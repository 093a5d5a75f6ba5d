import { deployLogMessage, deployStepOf, type DeployLogLine } from './deploy-log';

describe('deploy-log lines', () => {
  it.each<[DeployLogLine, string]>([
    [
      { level: 'info', step: 'started', message: 'release 3: deploy of r/web:v3 by github:octocat' },
      'release 3: deploy of r/web:v3 by github:octocat',
    ],
    [
      { level: 'warn', step: 'started', message: 'release 3: resuming an interrupted run (attempt 2)' },
      'release 3: resuming an interrupted run (attempt 2)',
    ],
    [{ level: 'info', step: 'image', message: 'image r/web:v3 found' }, 'image r/web:v3 found'],
    [
      { level: 'info', step: 'applied', message: 'applied Deployment, Service to cite-shop (generation 2)' },
      'applied Deployment, Service to cite-shop (generation 2)',
    ],
    [
      { level: 'info', step: 'progress', message: '1 of 2 replicas updated' },
      'rollout: 1 of 2 replicas updated',
    ],
    [{ level: 'info', step: 'succeeded', message: 'rolled out' }, 'succeeded: rolled out'],
    [
      { level: 'error', step: 'failed', message: 'pod x: ImagePullBackOff', reason: 'ImagePullBackOff' },
      'failed (ImagePullBackOff): pod x: ImagePullBackOff',
    ],
    [
      { level: 'info', step: 'superseded', message: 'superseded by release 4' },
      'superseded: superseded by release 4',
    ],
    [
      { level: 'warn', step: 'rollback', message: 'rolling back to release 2 (r/web:v2) as release 5' },
      'rolling back to release 2 (r/web:v2) as release 5',
    ],
    [
      { level: 'warn', step: 'retry', message: 'attempt 1 failed, will retry: etcd down' },
      'attempt 1 failed, will retry: etcd down',
    ],
  ])('%j → "%s", and back to its step', (line, text) => {
    expect(deployLogMessage(line)).toBe(text);
    expect(deployStepOf(text)).toBe(line.step);
  });

  it('does not claim lines of other writers', () => {
    expect(deployStepOf('watcher: pod web-1 is Running')).toBeNull();
  });
});
