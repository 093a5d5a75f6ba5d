import { asArray, asObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import type { KubeObject } from '../api-types';
import { defineResource, strategy } from './define';
import { ageColumn, column, nameColumn } from './columns';
import { ENDPOINTS_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';

function validateEndpoints(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  asArray(object.subsets).forEach((subset, index) => {
    asArray(asObject(subset).ports).forEach((port, portIndex) => {
      const value = asObject(port).port;
      if (typeof value !== 'number' || value < 1 || value > 65535)
        errors.push(
          fieldError.invalid(
            `subsets[${index}].ports[${portIndex}].port`,
            value,
            'must be between 1 and 65535, inclusive',
          ),
        );
    });
  });
  return errors;
}

function endpointList(object: KubeObject): string {
  const entries: string[] = [];
  for (const subset of asArray(object.subsets)) {
    const ports = asArray(asObject(subset).ports).map((port) => asObject(port).port);
    for (const address of asArray(asObject(subset).addresses)) {
      const ip = String(asObject(address).ip);
      if (ports.length === 0) entries.push(ip);
      for (const port of ports) entries.push(`${ip}:${String(port)}`);
    }
  }
  if (entries.length === 0) return '<none>';
  return entries.length > 3
    ? `${entries.slice(0, 3).join(',')} + ${entries.length - 3} more...`
    : entries.join(',');
}

/** core/v1 endpoints; PUT creates a missing one, as the endpoints controller relies on. */
export const endpoints = defineResource({
  group: '',
  version: 'v1',
  resource: 'endpoints',
  singular: 'endpoints',
  kind: 'Endpoints',
  namespaced: true,
  shortNames: ['ep'],
  columns: [nameColumn, column('Endpoints', endpointList), ageColumn],
  strategy: strategy({
    allowCreateOnUpdate: true,
    normalizeZeroValues: zeroValueNormalizer(ENDPOINTS_ZERO_FIELDS),
    validate: validateEndpoints,
  }),
});
