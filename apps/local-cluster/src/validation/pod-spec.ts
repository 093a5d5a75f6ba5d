import {
  compareQuantities,
  dns1123LabelErrors,
  envVarNameErrors,
  isQuantity,
  QUANTITY_FORMAT_MESSAGE,
} from '@cite/model';
import { asArray, asObject, isJsonObject, type JsonObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';

const CONTAINER_LISTS = ['initContainers', 'containers'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

/** `Always` for `:latest` or untagged images, else `IfNotPresent` (SetDefaults_Container). */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** core/v1 defaults of a PodSpec and its containers (pkg/apis/core/v1/defaults.go). */
export function defaultPodSpec(spec: JsonObject): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  for (const list of CONTAINER_LISTS) {
    for (const container of asArray(spec[list])) {
      if (!isJsonObject(container)) continue;
      container.terminationMessagePath ??= '/dev/termination-log';
      container.terminationMessagePolicy ??= 'File';
      container.imagePullPolicy ??= defaultPullPolicy(container.image);
      container.resources ??= {};
      for (const port of asArray(container.ports)) if (isJsonObject(port)) port.protocol ??= 'TCP';
      for (const env of asArray(container.env)) {
        const fieldRef = asObject(asObject(asObject(env).valueFrom).fieldRef);
        if (isJsonObject(asObject(asObject(env).valueFrom).fieldRef)) fieldRef.apiVersion ??= 'v1';
      }
    }
  }
  for (const volume of asArray(spec.volumes)) {
    if (!isJsonObject(volume)) continue;
    const kinds = Object.keys(volume).filter((key) => key !== 'name');
    if (kinds.length === 0) volume.emptyDir = {};
    for (const source of ['configMap', 'secret'] as const)
      if (isJsonObject(volume[source])) (volume[source] as JsonObject).defaultMode ??= 420;
  }
}

/** ValidatePodSpec for the rules cite and kubectl users meet: containers, images, ports, env, resources, volumes. */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!isJsonObject(spec)) return [fieldError.required(path)];
  const volumes = new Set<string>();
  asArray(spec.volumes).forEach((volume, index) => {
    const name = asObject(volume).name;
    const at = `${path}.volumes[${index}].name`;
    if (typeof name !== 'string' || !name) return errors.push(fieldError.required(at));
    for (const message of dns1123LabelErrors(name)) errors.push(fieldError.invalid(at, name, message));
    if (volumes.has(name)) errors.push(fieldError.duplicate(at, name));
    volumes.add(name);
  });
  const containers = asArray(spec.containers);
  if (containers.length === 0) errors.push(fieldError.required(`${path}.containers`));
  const names = new Set<string>();
  for (const list of CONTAINER_LISTS) {
    asArray(spec[list]).forEach((container, index) =>
      errors.push(...validateContainer(container, `${path}.${list}[${index}]`, names, volumes)),
    );
  }
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(String(spec.restartPolicy)))
    errors.push(fieldError.notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(String(spec.dnsPolicy)))
    errors.push(fieldError.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  const grace = spec.terminationGracePeriodSeconds;
  if (grace !== undefined && (typeof grace !== 'number' || grace < 0))
    errors.push(
      fieldError.invalid(
        `${path}.terminationGracePeriodSeconds`,
        grace,
        'must be greater than or equal to 0',
      ),
    );
  return errors;
}

function validateContainer(
  container: unknown,
  path: string,
  names: Set<string>,
  volumes: Set<string>,
): FieldError[] {
  if (!isJsonObject(container)) return [fieldError.invalid(path, container, 'must be an object')];
  const errors: FieldError[] = [];
  const name = container.name;
  if (typeof name !== 'string' || !name) errors.push(fieldError.required(`${path}.name`));
  else {
    for (const message of dns1123LabelErrors(name))
      errors.push(fieldError.invalid(`${path}.name`, name, message));
    if (names.has(name)) errors.push(fieldError.duplicate(`${path}.name`, name));
    names.add(name);
  }
  if (typeof container.image !== 'string' || container.image.trim() === '')
    errors.push(fieldError.required(`${path}.image`));
  if (container.imagePullPolicy !== undefined && !PULL_POLICIES.includes(String(container.imagePullPolicy)))
    errors.push(fieldError.notSupported(`${path}.imagePullPolicy`, container.imagePullPolicy, PULL_POLICIES));
  const portNames = new Set<string>();
  asArray(container.ports).forEach((port, index) => {
    const at = `${path}.ports[${index}]`;
    const { containerPort, hostPort, protocol, name: portName } = asObject(port);
    if (containerPort === undefined) errors.push(fieldError.required(`${at}.containerPort`));
    else if (!isPort(containerPort))
      errors.push(
        fieldError.invalid(`${at}.containerPort`, containerPort, 'must be between 1 and 65535, inclusive'),
      );
    if (hostPort !== undefined && hostPort !== 0 && !isPort(hostPort))
      errors.push(fieldError.invalid(`${at}.hostPort`, hostPort, 'must be between 1 and 65535, inclusive'));
    if (protocol !== undefined && !PROTOCOLS.includes(String(protocol)))
      errors.push(fieldError.notSupported(`${at}.protocol`, protocol, PROTOCOLS));
    if (typeof portName === 'string' && portName) {
      if (
        !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(portName) ||
        portName.length > 15 ||
        !/[a-z]/.test(portName)
      )
        errors.push(
          fieldError.invalid(
            `${at}.name`,
            portName,
            'must be no more than 15 characters and contain only lowercase letters, digits and hyphens, with at least one letter',
          ),
        );
      if (portNames.has(portName)) errors.push(fieldError.duplicate(`${at}.name`, portName));
      portNames.add(portName);
    }
  });
  asArray(container.env).forEach((env, index) => {
    const envName = asObject(env).name;
    const at = `${path}.env[${index}].name`;
    if (typeof envName !== 'string' || !envName) errors.push(fieldError.required(at));
    else
      for (const message of envVarNameErrors(envName)) errors.push(fieldError.invalid(at, envName, message));
  });
  errors.push(...validateResources(container.resources, `${path}.resources`));
  asArray(container.volumeMounts).forEach((mount, index) => {
    const at = `${path}.volumeMounts[${index}]`;
    const { name: volume, mountPath } = asObject(mount);
    if (typeof volume !== 'string' || !volume) errors.push(fieldError.required(`${at}.name`));
    else if (!volumes.has(volume)) errors.push(fieldError.notFound(`${at}.name`, volume));
    if (typeof mountPath !== 'string' || !mountPath) errors.push(fieldError.required(`${at}.mountPath`));
  });
  return errors;
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Quantities parse, are not negative, and every request is at most its limit (ValidateResourceRequirements). */
export function validateResources(resources: unknown, path: string): FieldError[] {
  if (resources === undefined) return [];
  const errors: FieldError[] = [];
  const limits = asObject(asObject(resources).limits);
  const requests = asObject(asObject(resources).requests);
  for (const [kind, values] of [
    ['limits', limits],
    ['requests', requests],
  ] as const) {
    for (const [name, value] of Object.entries(values)) {
      const at = `${path}.${kind}[${name}]`;
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text !== 'string' || !isQuantity(text))
        errors.push(fieldError.invalid(at, value, QUANTITY_FORMAT_MESSAGE));
      else if (compareQuantities(text, '0') < 0)
        errors.push(fieldError.invalid(at, value, 'must be greater than or equal to 0'));
    }
  }
  for (const [name, request] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const requestText = String(request);
    const limitText = String(limit);
    if (!isQuantity(requestText) || !isQuantity(limitText)) continue;
    if (compareQuantities(requestText, limitText) > 0)
      errors.push(
        fieldError.invalid(
          `${path}.requests`,
          requestText,
          `must be less than or equal to ${name} limit of ${limitText}`,
        ),
      );
  }
  return errors;
}
