import path from 'node:path';
import { loadConfig } from '@cite/config';
import { launcherSettings } from './settings';

const facts = { env: {}, root: '/repo', appsDir: '/repo/dist/apps' };

describe('launcherSettings', () => {
  it('runs on the well-known ports from .local/ at the repository root by default, 30 s rollouts', () => {
    const settings = launcherSettings(loadConfig({ env: {} }, 'launcher'), facts);
    expect(settings).toEqual({
      parentEnv: {},
      localDir: '/repo/.local',
      appsDir: '/repo/dist/apps',
      apiPort: 8080,
      wellKnownPorts: true,
      adminToken: undefined,
      logsUrl: undefined,
      appEnv: { CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: '30' },
      watchParent: false,
      batchSchedules: {
        gc: '*/30 * * * *',
        'etcd-backup': '0 * * * *',
        'log-retention': '30 3 * * *',
        'health-check': '*/5 * * * *',
        'node-report': '*/10 * * * *',
      },
      backupDir: '/repo/.local/backups',
    });
  });

  it('takes every knob from the configuration, and watches npm when npm started it', () => {
    const env = {
      CITE_LOCAL_DIR: 'relative/local',
      CITE_LAUNCHER_ANY_PORTS: '1',
      CITE_API_PORT: '9090',
      CITE_ADMIN_TOKEN: 'a'.repeat(32),
      CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: '90',
      CITE_LOGS_URL: 'http://search.internal:9200/',
      CITE_BATCH_SCHEDULES: 'gc=0 4 * * *',
      CITE_BATCH_BACKUP_DIR: '/srv/backups',
      npm_lifecycle_event: 'start',
    };
    const settings = launcherSettings(loadConfig({ env }, 'launcher'), { ...facts, env });
    expect(settings).toMatchObject({
      parentEnv: env,
      localDir: path.resolve('relative/local'),
      apiPort: 9090,
      wellKnownPorts: false,
      adminToken: 'a'.repeat(32),
      logsUrl: 'http://search.internal:9200',
      appEnv: { CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: '90' },
      watchParent: true,
      batchSchedules: { gc: '0 4 * * *' },
      backupDir: '/srv/backups',
    });
  });
});
