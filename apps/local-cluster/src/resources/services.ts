import { dns1035LabelErrors, dns1123LabelErrors } from '@cite/model';
import { asArray, asObject, isJsonObject, type JsonObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import type { ResourceDefinition } from '../registry/resource-definition';
import { validateLabels } from '../validation/object-meta';
import type { ClusterIpAllocator } from './cluster-ip-allocator';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';
import { SERVICE_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function clusterIps(service: KubeObject): string[] {
  const spec = asObject(service.spec);
  const ips = asArray(spec.clusterIPs).map(String);
  if (ips.length > 0) return ips;
  return typeof spec.clusterIP === 'string' && spec.clusterIP ? [spec.clusterIP] : [];
}

function portsText(service: KubeObject): string {
  const ports = asArray(asObject(service.spec).ports).map(asObject);
  if (ports.length === 0) return '<none>';
  return ports
    .map(
      (port) =>
        `${String(port.port)}${port.nodePort ? `:${String(port.nodePort)}` : ''}/${String(port.protocol ?? 'TCP')}`,
    )
    .join(',');
}

function externalIp(service: KubeObject): string {
  const spec = asObject(service.spec);
  if (spec.type === 'ExternalName') return String(spec.externalName ?? '<none>');
  const ingress = asArray(asObject(asObject(service.status).loadBalancer).ingress).map(
    (entry) => asObject(entry).ip ?? asObject(entry).hostname,
  );
  const external = [...asArray(spec.externalIPs), ...ingress].map(String);
  if (external.length > 0) return external.join(',');
  return spec.type === 'LoadBalancer' ? '<pending>' : '<none>';
}

function validateService(
  service: KubeObject,
  allocator: ClusterIpAllocator,
  previous?: KubeObject,
): FieldError[] {
  const errors: FieldError[] = [];
  const spec = asObject(service.spec);
  const type = String(spec.type ?? 'ClusterIP');
  if (!TYPES.includes(type)) errors.push(fieldError.notSupported('spec.type', spec.type, TYPES));
  const ports = asArray(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && type !== 'ExternalName' && !headless)
    errors.push(fieldError.required('spec.ports'));
  if (type === 'ExternalName' && !spec.externalName) errors.push(fieldError.required('spec.externalName'));
  const names = new Set<string>();
  ports.forEach((raw, index) => {
    const at = `spec.ports[${index}]`;
    const port = asObject(raw);
    if (ports.length > 1 && !port.name) errors.push(fieldError.required(`${at}.name`));
    if (typeof port.name === 'string' && port.name) {
      for (const message of dns1123LabelErrors(port.name))
        errors.push(fieldError.invalid(`${at}.name`, port.name, message));
      if (names.has(port.name)) errors.push(fieldError.duplicate(`${at}.name`, port.name));
      names.add(port.name);
    }
    if (!isPort(port.port))
      errors.push(fieldError.invalid(`${at}.port`, port.port, 'must be between 1 and 65535, inclusive'));
    if (!PROTOCOLS.includes(String(port.protocol)))
      errors.push(fieldError.notSupported(`${at}.protocol`, port.protocol, PROTOCOLS));
    const target = port.targetPort;
    if (typeof target === 'number' && !isPort(target))
      errors.push(fieldError.invalid(`${at}.targetPort`, target, 'must be between 1 and 65535, inclusive'));
    if (
      typeof target === 'string' &&
      !/^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(target) &&
      !/^\d+$/.test(target)
    )
      errors.push(
        fieldError.invalid(
          `${at}.targetPort`,
          target,
          'must contain only lowercase alphanumeric characters or hyphens',
        ),
      );
    if (
      port.nodePort !== undefined &&
      (typeof port.nodePort !== 'number' || port.nodePort < NODE_PORT_MIN || port.nodePort > NODE_PORT_MAX)
    )
      errors.push(
        fieldError.invalid(
          `${at}.nodePort`,
          port.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
        ),
      );
  });
  errors.push(...validateLabels(spec.selector, 'spec.selector'));
  const ip = spec.clusterIP;
  if (typeof ip === 'string' && ip && ip !== 'None') {
    if (!allocator.contains(ip))
      errors.push(
        fieldError.invalid(
          'spec.clusterIPs',
          [ip],
          `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range`,
        ),
      );
    else if (!previous && !allocator.isFree(ip))
      errors.push(
        fieldError.invalid(
          'spec.clusterIPs',
          [ip],
          `failed to allocate IP ${ip}: provided IP is already allocated`,
        ),
      );
  }
  if (previous) {
    const before = asObject(previous.spec).clusterIP;
    if (before && before !== ip && type !== 'ExternalName' && asObject(previous.spec).type !== 'ExternalName')
      errors.push(fieldError.invalid('spec.clusterIPs[0]', ip, 'may not change once set'));
  }
  return errors;
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function defaultPorts(spec: JsonObject): void {
  for (const port of asArray(spec.ports)) {
    if (!isJsonObject(port)) continue;
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
}

/**
 * core/v1 services: defaults (type, protocol, targetPort, session affinity, IP families), ClusterIP allocation
 * from the service CIDR, node ports for NodePort and LoadBalancer, and an immutable cluster IP.
 */
export function serviceResource(allocator: ClusterIpAllocator): ResourceDefinition {
  const nodePorts = new Set<number>();
  let nextNodePort = NODE_PORT_MIN;
  const allocateNodePorts = (spec: JsonObject) => {
    if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') return;
    for (const port of asArray(spec.ports)) {
      if (!isJsonObject(port) || port.nodePort !== undefined) continue;
      while (nodePorts.has(nextNodePort))
        nextNodePort = nextNodePort >= NODE_PORT_MAX ? NODE_PORT_MIN : nextNodePort + 1;
      port.nodePort = nextNodePort;
      nodePorts.add(nextNodePort);
    }
    spec.externalTrafficPolicy ??= 'Cluster';
  };
  const track = (service: KubeObject, reserve: boolean) => {
    for (const ip of clusterIps(service)) {
      if (ip === 'None') continue;
      if (reserve) allocator.reserve(ip);
      else allocator.release(ip);
    }
    for (const port of asArray(asObject(service.spec).ports)) {
      const nodePort = asObject(port).nodePort;
      if (typeof nodePort !== 'number') continue;
      if (reserve) nodePorts.add(nodePort);
      else nodePorts.delete(nodePort);
    }
  };
  return defineResource({
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    columns: [
      nameColumn,
      column('Type', (service) => asObject(service.spec).type),
      column('Cluster-IP', (service) => clusterIps(service).join(',') || '<none>'),
      column('External-IP', externalIp),
      column('Port(s)', portsText),
      ageColumn,
      column(
        'Selector',
        (service) =>
          Object.entries(asObject(asObject(service.spec).selector))
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(',') || '<none>',
        'string',
        1,
      ),
    ],
    strategy: strategy({
      nameErrors: dns1035LabelErrors,
      statusSubresource: true,
      returnDeletedObject: true,
      normalizeZeroValues: zeroValueNormalizer(SERVICE_ZERO_FIELDS),
      prepareForCreate(service) {
        const spec = asObject(service.spec);
        service.spec = spec;
        spec.type ??= 'ClusterIP';
        spec.sessionAffinity ??= 'None';
        defaultPorts(spec);
        if (spec.type !== 'ExternalName') {
          if (!spec.clusterIP && asArray(spec.clusterIPs).length > 0)
            spec.clusterIP = asArray(spec.clusterIPs)[0];
          if (!spec.clusterIP) spec.clusterIP = allocator.next();
          spec.clusterIPs = [spec.clusterIP];
          if (spec.clusterIP !== 'None') {
            spec.ipFamilies ??= ['IPv4'];
            spec.ipFamilyPolicy ??= 'SingleStack';
          }
          spec.internalTrafficPolicy ??= 'Cluster';
        }
        allocateNodePorts(spec);
        service.status = { loadBalancer: {} };
      },
      prepareForUpdate(service, previous) {
        const spec = asObject(service.spec);
        service.spec = spec;
        const before = asObject(previous.spec);
        spec.type ??= 'ClusterIP';
        spec.sessionAffinity ??= 'None';
        defaultPorts(spec);
        if (spec.type === before.type || (spec.type !== 'ExternalName' && before.type !== 'ExternalName')) {
          for (const key of [
            'clusterIP',
            'clusterIPs',
            'ipFamilies',
            'ipFamilyPolicy',
            'internalTrafficPolicy',
          ])
            if (spec[key] === undefined && before[key] !== undefined) spec[key] = before[key];
          const previousPorts = asArray(before.ports).map(asObject);
          for (const port of asArray(spec.ports)) {
            if (!isJsonObject(port) || port.nodePort !== undefined) continue;
            const match = previousPorts.find(
              (old) => old.port === port.port && old.protocol === port.protocol,
            );
            if (match?.nodePort !== undefined) port.nodePort = match.nodePort;
          }
        }
        allocateNodePorts(spec);
      },
      validate: (service) => validateService(service, allocator),
      validateUpdate: (service, previous) => validateService(service, allocator, previous),
      afterCreate: (service) => track(service, true),
      afterUpdate: (service, previous) => {
        track(previous, false);
        track(service, true);
      },
      afterDelete: (service) => track(service, false),
    }),
  });
}
