import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS } from '@cite/config';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { generateChart, manifests } from './generate';
import { CLUSTER_DEFAULTS, defaultValues, SECRET_KEYS } from './values';
import { valueAt } from './slots';

const root = path.resolve(import.meta.dirname, '../../..');
const chartDir = path.join(root, 'charts/cite');
const release = { name: 'cite', namespace: 'cite-system', appVersion: '0.1.0' };

function committed(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(chartDir, full), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(chartDir);
  return files;
}

describe('charts/cite', () => {
  const generated = generateChart();

  it('is exactly what the generator writes (run npm run chart after changing libs/chart)', () => {
    const onDisk = committed();
    expect([...onDisk.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) expect({ file, text: onDisk.get(file) }).toEqual({ file, text });
  });

  it('has a values schema that accepts the defaults and refuses a wrong type or an unknown key', () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(JSON.parse(generated.get('values.schema.json')!) as object);
    const values = parse(generated.get('values.yaml')!) as Record<string, unknown>;
    expect(validate(values)).toBe(true);
    const wrong = structuredClone(values) as { api: { replicas: unknown }; typo?: boolean };
    wrong.api.replicas = 'two';
    wrong.typo = true;
    expect(validate(wrong)).toBe(false);
    expect((validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`).sort()).toEqual([
      ' should NOT have additional properties',
      '.api.replicas should be integer',
    ]);
  });

  it('lets every configuration key be set through the values: the ConfigMap, or the Secret for secrets', () => {
    const values = defaultValues();
    const inConfig = Object.keys(values.config);
    const inSecrets = Object.keys(values.secrets);
    expect([...inConfig, ...inSecrets].sort()).toEqual(CONFIG_KEYS.map((key) => key.env).sort());
    expect(inConfig.filter((key) => inSecrets.includes(key))).toEqual([]);
    for (const secret of SECRET_KEYS) expect(generated.get('templates/configmap.yaml')).not.toContain(secret);
    // The cluster's own settings, where a laptop's default would not do.
    expect(values.config).toMatchObject(CLUSTER_DEFAULTS);
    const configMap = manifests(release).find((o) => o['kind'] === 'ConfigMap') as {
      data: Record<string, string>;
    };
    expect(configMap.data['CITE_API_HOST']).toBe('0.0.0.0');
  });

  it('reads only values that exist, in conventional Helm expressions', () => {
    const values = defaultValues() as unknown as Record<string, unknown>;
    for (const [file, text] of generated) {
      if (!file.startsWith('templates/')) continue;
      for (const [, expression] of text.matchAll(/\{\{-?\s*(.*?)\s*-?\}\}/g)) {
        for (const [, valuePath] of expression!.matchAll(/\.Values\.([\w.]+)/g)) {
          expect({ file, valuePath, defined: valueAt(values, valuePath!) !== undefined }).toEqual({
            file,
            valuePath,
            defined: true,
          });
        }
      }
    }
  });

  it('renders the optional parts only when enabled', () => {
    const kinds = (values = defaultValues()) => manifests(release, values).map((o) => o['kind']);
    expect(kinds()).not.toContain('HorizontalPodAutoscaler');
    expect(kinds().filter((k) => k === 'CronJob')).toHaveLength(5);
    const values = defaultValues();
    values.api.autoscaling.enabled = true;
    values.existingSecret = 'mine';
    values.batch.tasks['gc']!.enabled = false;
    expect(kinds(values)).toContain('HorizontalPodAutoscaler');
    expect(kinds(values)).not.toContain('Secret');
    expect(kinds(values).filter((k) => k === 'CronJob')).toHaveLength(4);
    const api = manifests(release, values).find((o) => o['kind'] === 'Deployment') as {
      spec: { template: { spec: { containers: { envFrom: unknown[] }[] } } };
    };
    expect(api.spec.template.spec.containers[0]!.envFrom).toContainEqual({ secretRef: { name: 'mine' } });
  });
});
