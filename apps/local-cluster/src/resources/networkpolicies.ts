import { isIP } from 'node:net';
import { asArray, asObject, isJsonObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { formatLabelSelector, fromLabelSelectorObject } from '../selectors/label-selector';
import { validateLabelSelector } from '../validation/label-selector';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];
const CIDR_MESSAGE = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const PORT_RANGE_MESSAGE = 'must be between 1 and 65535, inclusive';

/** apimachinery IsValidPortName. */
export function portNameErrors(name: string): string[] {
  const errors: string[] = [];
  if (name.length > 15) errors.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name))
    errors.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) errors.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errors.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) errors.push('must not begin or end with a hyphen');
  return errors;
}

interface Cidr {
  bits: 32 | 128;
  network: bigint;
  prefix: number;
}

function ipValue(ip: string): bigint | undefined {
  const family = isIP(ip);
  if (family === 4) return ip.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n);
  if (family !== 6) return undefined;
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const value = ipValue(v4[1] as string) as bigint;
    text = `${text.slice(0, -v4[0].length)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** netutils.ParseCIDRSloppy: the network (address masked by the prefix), or undefined. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const family = isIP(match[1] as string);
  const value = ipValue(match[1] as string);
  const prefix = Number(match[2]);
  const bits = family === 4 ? 32 : 128;
  if (value === undefined || prefix > bits) return undefined;
  const mask = ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { bits, network: value & mask, prefix };
}

function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.bits !== inner.bits) return false;
  const shift = BigInt(outer.bits - outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}

/** ValidateNetworkPolicyPort: protocol, a port number (with endPort) or name. */
function validatePort(raw: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const { protocol, port, endPort } = asObject(raw);
  if (protocol !== undefined && protocol !== null && !PROTOCOLS.includes(String(protocol)))
    errors.push(fieldError.notSupported(`${path}.protocol`, protocol, PROTOCOLS));
  const hasEnd = endPort !== undefined && endPort !== null;
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      errors.push(fieldError.invalid(`${path}.port`, port, PORT_RANGE_MESSAGE));
    if (hasEnd) {
      if (typeof endPort === 'number' && endPort < port)
        errors.push(fieldError.invalid(`${path}.endPort`, port, 'must be greater than or equal to `port`'));
      if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort < 1 || endPort > 65535)
        errors.push(fieldError.invalid(`${path}.endPort`, endPort, PORT_RANGE_MESSAGE));
    }
  } else if (typeof port === 'string') {
    if (hasEnd)
      errors.push(
        fieldError.invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'),
      );
    for (const message of portNameErrors(port))
      errors.push(fieldError.invalid(`${path}.port`, port, message));
  } else if (hasEnd)
    errors.push(
      fieldError.invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'),
    );
  return errors;
}

/** ValidateIPBlock: a CIDR, and exceptions strictly inside it. */
function validateIpBlock(raw: unknown, path: string): FieldError[] {
  const block = asObject(raw);
  const cidrText = typeof block.cidr === 'string' ? block.cidr : '';
  if (!cidrText) return [fieldError.required(`${path}.cidr`)];
  const cidr = parseCidr(cidrText);
  if (!cidr) return [fieldError.invalid(`${path}.cidr`, cidrText, CIDR_MESSAGE)];
  const errors: FieldError[] = [];
  asArray(block.except).forEach((entry, index) => {
    const at = `${path}.except[${index}]`;
    const except = typeof entry === 'string' ? parseCidr(entry) : undefined;
    if (!except) return errors.push(fieldError.invalid(at, entry, CIDR_MESSAGE));
    if (!contains(cidr, except) || cidr.prefix >= except.prefix)
      errors.push(fieldError.invalid(at, entry, 'must be a strict subset of `cidr`'));
  });
  return errors;
}

/** ValidateNetworkPolicyPeer: one peer kind, or pod and namespace selectors together (never with ipBlock). */
function validatePeer(raw: unknown, path: string): FieldError[] {
  const peer = asObject(raw);
  const errors: FieldError[] = [];
  let peers = 0;
  for (const key of ['podSelector', 'namespaceSelector'] as const) {
    if (peer[key] === undefined || peer[key] === null) continue;
    peers++;
    errors.push(...validateLabelSelector(peer[key], `${path}.${key}`));
  }
  const hasBlock = peer.ipBlock !== undefined && peer.ipBlock !== null;
  if (hasBlock) {
    peers++;
    errors.push(...validateIpBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (peers === 0) errors.push(fieldError.required(path, 'must specify a peer'));
  else if (peers > 1 && hasBlock)
    errors.push(fieldError.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errors;
}

/** ValidateNetworkPolicySpec. */
export function validateNetworkPolicy(policy: KubeObject): FieldError[] {
  const spec = asObject(policy.spec);
  const errors = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  for (const [direction, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    asArray(spec[direction]).forEach((rawRule, index) => {
      const rule = asObject(rawRule);
      const at = `spec.${direction}[${index}]`;
      asArray(rule.ports).forEach((port, portIndex) =>
        errors.push(...validatePort(port, `${at}.ports[${portIndex}]`)),
      );
      asArray(rule[peersKey]).forEach((peer, peerIndex) =>
        errors.push(...validatePeer(peer, `${at}.${peersKey}[${peerIndex}]`)),
      );
    });
  }
  const types = asArray(spec.policyTypes);
  if (types.length > POLICY_TYPES.length)
    return [
      ...errors,
      fieldError.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'),
    ];
  types.forEach((type, index) => {
    if (!POLICY_TYPES.includes(String(type)))
      errors.push(fieldError.notSupported(`spec.policyTypes[${index}]`, type, POLICY_TYPES));
  });
  return errors;
}

/**
 * SetDefaults_NetworkPolicy and _NetworkPolicyPort: policyTypes Ingress (and Egress when there are egress
 * rules), ports' protocol TCP; podSelector, a struct in Go, is `{}` (every pod) when left out.
 */
function defaultNetworkPolicy(policy: KubeObject): void {
  const spec = asObject(policy.spec);
  policy.spec = spec;
  if (!isJsonObject(spec.podSelector)) spec.podSelector = {};
  if (asArray(spec.policyTypes).length === 0)
    spec.policyTypes = asArray(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const direction of ['ingress', 'egress'])
    for (const rule of asArray(spec[direction]))
      for (const port of asArray(asObject(rule).ports)) if (isJsonObject(port)) port.protocol ??= 'TCP';
}

/** networking.k8s.io/v1 networkpolicies: stored and validated; nothing enforces them. */
export const networkPolicies = defineResource({
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'networkpolicies',
  kind: 'NetworkPolicy',
  namespaced: true,
  shortNames: ['netpol'],
  columns: [
    nameColumn,
    column(
      'Pod-Selector',
      (policy) => formatLabelSelector(fromLabelSelectorObject(asObject(policy.spec).podSelector)) || '<none>',
    ),
    ageColumn,
  ],
  strategy: strategy({
    tracksGeneration: true,
    prepareForCreate: defaultNetworkPolicy,
    prepareForUpdate: defaultNetworkPolicy,
    validate: validateNetworkPolicy,
  }),
});
