import { hostnameErrors } from '@cite/model';
import { asArray, asObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateBackend(backend: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const value = asObject(backend);
  const service = asObject(value.service);
  if (!value.service && !value.resource)
    return [fieldError.invalid(path, backend, 'one backend (`service` or `resource`) must be specified')];
  if (value.service) {
    if (!service.name) errors.push(fieldError.required(`${path}.service.name`));
    const port = asObject(service.port);
    if (port.number === undefined && !port.name)
      errors.push(fieldError.required(`${path}.service.port`, 'port name or number is required'));
    if (typeof port.number === 'number' && (port.number < 1 || port.number > 65535))
      errors.push(
        fieldError.invalid(
          `${path}.service.port.number`,
          port.number,
          'must be between 1 and 65535, inclusive',
        ),
      );
  }
  return errors;
}

function validateIngress(ingress: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = asObject(ingress.spec);
  if (spec.defaultBackend) errors.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  if (asArray(spec.rules).length === 0 && !spec.defaultBackend)
    errors.push(fieldError.invalid('spec', spec, 'either `defaultBackend` or `rules` must be specified'));
  asArray(spec.rules).forEach((raw, index) => {
    const rule = asObject(raw);
    const at = `spec.rules[${index}]`;
    if (typeof rule.host === 'string' && rule.host)
      for (const message of hostnameErrors(rule.host, { wildcard: true }))
        errors.push(fieldError.invalid(`${at}.host`, rule.host, message));
    asArray(asObject(rule.http).paths).forEach((rawPath, pathIndex) => {
      const entry = asObject(rawPath);
      const pathAt = `${at}.http.paths[${pathIndex}]`;
      if (entry.pathType === undefined)
        errors.push(fieldError.required(`${pathAt}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(String(entry.pathType)))
        errors.push(fieldError.notSupported(`${pathAt}.pathType`, entry.pathType, PATH_TYPES));
      if (
        entry.pathType !== 'ImplementationSpecific' &&
        (typeof entry.path !== 'string' || !entry.path.startsWith('/'))
      )
        errors.push(fieldError.invalid(`${pathAt}.path`, entry.path, 'must be an absolute path'));
      errors.push(...validateBackend(entry.backend, `${pathAt}.backend`));
    });
  });
  return errors;
}

function hosts(ingress: KubeObject): string {
  const names = asArray(asObject(ingress.spec).rules).map((rule) => String(asObject(rule).host ?? '*'));
  if (names.length === 0) return '*';
  return names.length > 4 ? `${names.slice(0, 4).join(',')} + ${names.length - 4} more...` : names.join(',');
}

function address(ingress: KubeObject): string {
  const entries = asArray(asObject(asObject(ingress.status).loadBalancer).ingress).map(
    (entry) => asObject(entry).ip ?? asObject(entry).hostname,
  );
  return entries.map(String).join(',');
}

/** networking.k8s.io/v1 ingresses with a status subresource (the watcher reads hosts from them). */
export const ingresses = defineResource({
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingresses',
  kind: 'Ingress',
  namespaced: true,
  shortNames: ['ing'],
  subresources: ['status'],
  columns: [
    nameColumn,
    column('Class', (ingress) => asObject(ingress.spec).ingressClassName ?? '<none>'),
    column('Hosts', hosts),
    column('Address', address),
    column('Ports', (ingress) => (asArray(asObject(ingress.spec).tls).length > 0 ? '80, 443' : '80')),
    ageColumn,
  ],
  strategy: strategy({
    statusSubresource: true,
    tracksGeneration: true,
    prepareForCreate(ingress) {
      ingress.status = { loadBalancer: {} };
      for (const rule of asArray(asObject(ingress.spec).rules)) {
        for (const path of asArray(asObject(asObject(rule).http).paths)) {
          const entry = asObject(path);
          if (entry.pathType === 'Prefix' || entry.pathType === 'Exact') entry.path ??= '/';
        }
      }
    },
    validate: validateIngress,
  }),
});
