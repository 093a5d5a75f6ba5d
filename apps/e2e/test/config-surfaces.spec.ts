/**
 * Every configuration key cite reads can be set on every way of installing it: the key table (`libs/config`), the
 * Helm chart's values (`libs/chart`: the ConfigMap or the Secret) and the Ansible role's variables
 * (`cite_config_keys`, what `cite_env` may name) list the same keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultValues } from '@cite/chart';
import { CONFIG_KEYS } from '@cite/config';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../../..');

describe('configuration keys across the install methods', () => {
  const table = CONFIG_KEYS.map((key) => key.env).sort();

  it('the chart takes every key', () => {
    const values = defaultValues();
    expect([...Object.keys(values.config), ...Object.keys(values.secrets)].sort()).toEqual(table);
  });

  it('the Ansible role takes every key', () => {
    const vars = parse(fs.readFileSync(path.join(root, 'ansible/roles/cite_apps/vars/main.yml'), 'utf8')) as {
      cite_config_keys: string[];
    };
    expect([...vars.cite_config_keys].sort()).toEqual(table);
  });
});
