import { asArray, asObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

function validateSlice(slice: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  if (slice.addressType === undefined) errors.push(fieldError.required('addressType'));
  else if (!ADDRESS_TYPES.includes(String(slice.addressType)))
    errors.push(fieldError.notSupported('addressType', slice.addressType, ADDRESS_TYPES));
  asArray(slice.endpoints).forEach((endpoint, index) => {
    const addresses = asArray(asObject(endpoint).addresses);
    if (addresses.length === 0) errors.push(fieldError.required(`endpoints[${index}].addresses`));
    else if (addresses.length > 100)
      errors.push(
        fieldError.invalid(`endpoints[${index}].addresses`, addresses.length, 'must have at most 100 items'),
      );
  });
  asArray(slice.ports).forEach((port, index) => {
    const value = asObject(port).port;
    if (value !== undefined && (typeof value !== 'number' || value < 1 || value > 65535))
      errors.push(
        fieldError.invalid(`ports[${index}].port`, value, 'must be between 1 and 65535, inclusive'),
      );
  });
  return errors;
}

/** The PORTS column: `80,443`, `<unset>` for a port without a number, `<none>` without ports. */
function ports(slice: KubeObject): string {
  const list = asArray(slice.ports).map((port) => {
    const value = asObject(port).port;
    return value === undefined ? '<unset>' : String(value);
  });
  return list.length > 0 ? list.join(',') : '<none>';
}

/** The ENDPOINTS column: the first three addresses, then `+ N more...`. */
function addresses(slice: KubeObject): string {
  const all = asArray(slice.endpoints).flatMap((endpoint) => asArray(asObject(endpoint).addresses));
  if (all.length === 0) return '<unset>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

/** discovery.k8s.io/v1 endpointslices, which kubectl describe service|ingress reads for the backends. */
export const endpointSlices = defineResource({
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  kind: 'EndpointSlice',
  namespaced: true,
  columns: [
    nameColumn,
    column('AddressType', (slice) => slice.addressType),
    column('Ports', ports),
    column('Endpoints', addresses),
    ageColumn,
  ],
  strategy: strategy({ validate: validateSlice }),
});
