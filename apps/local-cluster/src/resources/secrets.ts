import { fieldError, type FieldError } from '../errors';
import type { KubeObject } from '../api-types';
import { defineResource, strategy } from './define';
import { ageColumn, column, nameColumn } from './columns';
import { validateDataKeys } from './configmaps';

function validateSecret(object: KubeObject): FieldError[] {
  const errors = validateDataKeys(object.data, 'data');
  for (const [key, value] of Object.entries((object.data as Record<string, unknown> | undefined) ?? {})) {
    if (typeof value === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
      errors.push(fieldError.invalid(`data[${key}]`, '<secret contents redacted>', 'illegal base64 data'));
  }
  if (object.stringData !== undefined) errors.push(...validateDataKeys(object.stringData, 'stringData'));
  return errors;
}

/** core/v1 secrets: stringData is folded into base64 data on write, as kube does; type defaults to Opaque. */
export const secrets = defineResource({
  group: '',
  version: 'v1',
  resource: 'secrets',
  kind: 'Secret',
  namespaced: true,
  selectableFields: ['type'],
  fieldGetter: (object) => ({ type: object.type as string | undefined }),
  columns: [
    nameColumn,
    column('Type', (object) => object.type),
    column('Data', (object) => Object.keys((object.data as object | undefined) ?? {}).length, 'integer'),
    ageColumn,
  ],
  strategy: strategy({
    prepareForCreate: foldStringData,
    prepareForUpdate: foldStringData,
    validate: validateSecret,
    validateUpdate: (object, previous) => {
      const errors = validateSecret(object);
      if (object.type !== previous.type)
        errors.push(fieldError.invalid('type', object.type, 'field is immutable'));
      return errors;
    },
  }),
});

function foldStringData(object: KubeObject): void {
  object.type ??= 'Opaque';
  const stringData = object.stringData as Record<string, unknown> | undefined;
  if (!stringData || typeof stringData !== 'object') return;
  const data = { ...((object.data as Record<string, string> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(stringData))
    data[key] = Buffer.from(String(value)).toString('base64');
  object.data = data;
  delete object.stringData;
}
