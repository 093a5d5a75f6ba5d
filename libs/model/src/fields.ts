/** Field schemas shared by the records: names, times, ports, quantities. */
import { z } from 'zod';
import {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  hostnameErrors,
  maxLengthError,
  portErrors,
} from './names';
import { isIP, isIPv4 } from './net';
import { NANOS_PER_UNIT, parseQuantity, quantityErrors } from './quantity';

/** A string schema checked by a `…Errors` function: each message becomes one issue at the field. */
export function checkedString(errorsOf: (value: string) => string[]) {
  return z.string().superRefine((value, ctx) => {
    for (const message of errorsOf(value)) ctx.addIssue({ code: 'custom', message });
  });
}

/** An RFC 3339 date-time with a zone (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00.5+02:00`). */
export const TimestampSchema = z.iso.datetime({
  offset: true,
  error: 'must be an RFC 3339 date-time with a time zone (e.g. 2024-05-01T12:00:00Z)',
});

/** A Kubernetes Service name, which is also the name of the Deployment and Ingress: a DNS-1035 label. */
export const ServiceNameSchema = checkedString(dns1035LabelErrors);

/** Prefix of the namespace that holds a team's objects: team `payments` lives in `cite-payments`. */
export const TEAM_NAMESPACE_PREFIX = 'cite-';
/** 63 minus `cite-`, so that the team's namespace is still a DNS-1123 label. */
export const TEAM_NAME_MAX_LENGTH = 63 - TEAM_NAMESPACE_PREFIX.length;

/** The namespace a team's services run in. */
export const teamNamespace = (team: string): string => `${TEAM_NAMESPACE_PREFIX}${team}`;

/** A team: a DNS-1123 label short enough that `cite-<team>` is one too. */
export const TeamNameSchema = checkedString((value) => {
  const errors = dns1123LabelErrors(value).filter((error) => !error.startsWith('must be no more'));
  if (value.length <= TEAM_NAME_MAX_LENGTH) return errors;
  const tooLong = `${maxLengthError(TEAM_NAME_MAX_LENGTH)} (the namespace '${TEAM_NAMESPACE_PREFIX}<team>' must be a DNS-1123 label)`;
  return [tooLong, ...errors];
});

export const NamespaceSchema = checkedString(dns1123LabelErrors);
/** Kubernetes object names that are DNS-1123 subdomains: nodes, pods. */
export const ObjectNameSchema = checkedString(dns1123SubdomainErrors);

/** A host an Ingress may carry; `*.` wildcards only where `wildcard` says so. */
export const hostnameSchema = (options: { wildcard?: boolean } = {}) =>
  checkedString((value) => hostnameErrors(value, options));

export const PortSchema = z.number().superRefine((value, ctx) => {
  for (const message of portErrors(value)) ctx.addIssue({ code: 'custom', message });
});

export const IPv4Schema = checkedString((value) =>
  isIPv4(value) ? [] : ['must be an IPv4 address (e.g. 10.60.240.17)'],
);
export const IPSchema = checkedString((value) => (isIP(value) ? [] : ['must be an IPv4 or IPv6 address']));

/** Ids that appear in etcd keys (`tokens/<id>`, `audit/<time>-<id>`): URL- and key-safe, no `/`. */
export const IdSchema = checkedString((value) =>
  /^[A-Za-z0-9_-]{1,128}$/.test(value) ? [] : ["must be 1-128 characters of A-Z, a-z, 0-9, '_' or '-'"],
);

/** Who did something: `token:<id>`, `github:<login>`, `system:deployer`, … Free-form but bounded. */
export const ActorSchema = z.string().min(1, 'must be non-empty').max(256, maxLengthError(256));

/** A count of things: a non-negative integer. */
export const countSchema = (max: number) =>
  z
    .number()
    .int('must be an integer')
    .min(0, 'must be greater than or equal to 0')
    .max(max, `must be less than or equal to ${max}`);

/** A 1-based sequence number (release numbers). */
export const SequenceNumberSchema = z
  .number()
  .int('must be an integer')
  .min(1, 'must be greater than or equal to 1');

/**
 * A Kubernetes quantity (`500m`, `256Mi`), kept as written. A JSON number is accepted too and becomes its
 * decimal string, as Kubernetes accepts `cpu: 1`.
 */
export const QuantitySchema = z.preprocess(
  (value) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value),
  checkedString(quantityErrors),
);

/** Errors of a cpu or memory amount: positive, and exact at the resource's own precision. */
export function resourceAmountErrors(resource: 'cpu' | 'memory', value: string): string[] {
  if (quantityErrors(value).length > 0) return [];
  const nanos = parseQuantity(value);
  if (nanos <= 0n) return ['must be greater than 0'];
  if (resource === 'cpu' && nanos % 1_000_000n !== 0n)
    return ['must be a whole number of millicores (at least 1m)'];
  if (resource === 'memory' && nanos % NANOS_PER_UNIT !== 0n) return ['must be a whole number of bytes'];
  return [];
}

/** A cpu or memory amount: a quantity per `resourceAmountErrors`. */
export const resourceAmountSchema = (resource: 'cpu' | 'memory') =>
  QuantitySchema.superRefine((value, ctx) => {
    for (const message of resourceAmountErrors(resource, value)) ctx.addIssue({ code: 'custom', message });
  });
