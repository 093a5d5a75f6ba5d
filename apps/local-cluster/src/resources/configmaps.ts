import { isJsonObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { defineResource, strategy } from './define';
import { ageColumn, column, nameColumn } from './columns';

const KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

/** Keys of data maps: config keys (`[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`). */
export function validateDataKeys(data: unknown, path: string): FieldError[] {
  if (data === undefined) return [];
  if (!isJsonObject(data)) return [fieldError.invalid(path, data, 'must be a map')];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!KEY_PATTERN.test(key) || key.length > 253 || key === '.' || key === '..')
      errors.push(
        fieldError.invalid(
          path,
          key,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        ),
      );
    if (typeof value !== 'string')
      errors.push(fieldError.invalid(`${path}[${key}]`, value, 'must be a string'));
  }
  return errors;
}

export const configMaps = defineResource({
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
  shortNames: ['cm'],
  columns: [
    nameColumn,
    column(
      'Data',
      (object) => Object.keys({ ...(object.data as object), ...(object.binaryData as object) }).length,
      'integer',
    ),
    ageColumn,
  ],
  strategy: strategy({
    validate: (object) => [
      ...validateDataKeys(object.data, 'data'),
      ...validateDataKeys(object.binaryData, 'binaryData'),
    ],
    validateUpdate: (object, previous) => {
      const errors = [
        ...validateDataKeys(object.data, 'data'),
        ...validateDataKeys(object.binaryData, 'binaryData'),
      ];
      if (
        previous.immutable === true &&
        (JSON.stringify(object.data) !== JSON.stringify(previous.data) || object.immutable !== true)
      )
        errors.push(fieldError.forbidden('data', 'field is immutable when `immutable` is set'));
      return errors;
    },
  }),
});
