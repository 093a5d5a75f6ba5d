/**
 * Who owns a host, from the Ingresses that route it and the cite services that claim it. Pure: the watcher
 * gathers the inputs from its caches and writes what this answers to `domains/<host>`.
 *
 * The rules (DESIGN.md, Domain rules: Domains):
 * - A cite service whose spec lists the host owns it: the api refused the host to anyone else when the spec
 *   was written, so that claim is first by construction.
 * - Otherwise the record's current owner keeps the host while it still claims it ("the first owner keeps it").
 * - Otherwise the oldest Ingress that routes the host takes it — a cite service's (by its labels) or, for an
 *   Ingress cite does not manage, `namespace/name`: a host taken outside cite is still taken.
 * - The oldest other claimant is recorded in `conflict`; its Ingresses get a Warning event.
 */
import type { Domain } from '@cite/model';
import type { V1Ingress } from '@kubernetes/client-node';
import { citeServiceOf, isoTime, refOf } from './identity';

/** A cite service whose stored spec lists the host. */
export interface ServiceClaim {
  service: string;
  namespace: string;
  /** When the service was created: the older of two claims is first. */
  createdAt: string;
}

export interface DomainInputs {
  host: string;
  /** Every Ingress with a rule for `host` (others are ignored). */
  ingresses: readonly V1Ingress[];
  /** Live cite services whose spec lists `host`; normally at most one. */
  claims: readonly ServiceClaim[];
  /** The record as stored now. */
  current: Domain | null;
  /** `CITE_WATCHER_LB_VIPS`: the targets while the owner's Ingress publishes no address. */
  vips: readonly string[];
  now: Date;
}

export interface DomainDecision {
  /** The record to store, or null: nobody claims the host (delete any record). */
  record: Domain | null;
  /** Ingresses that route the host without owning it: each gets a Warning event. */
  conflicting: V1Ingress[];
}

interface Claimant {
  /** A service name or `namespace/name` of an Ingress cite does not manage. */
  identity: string;
  service?: string;
  namespace: string;
  since: string;
  ingress?: V1Ingress;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

/** Whether the Ingress has a rule for `host`. */
export function routesHost(ingress: V1Ingress, host: string): boolean {
  return (ingress.spec?.rules ?? []).some((rule) => rule.host === host);
}

/** Every host the Ingress routes (rules without a host route every host and claim none). */
export function hostsOf(ingress: V1Ingress): string[] {
  return [...new Set((ingress.spec?.rules ?? []).flatMap((rule) => (rule.host ? [rule.host] : [])))];
}

function ingressClaimant(ingress: V1Ingress): Claimant {
  const service = citeServiceOf(ingress);
  return {
    identity: service ?? refOf(ingress),
    ...(service ? { service } : {}),
    namespace: ingress.metadata?.namespace ?? '',
    since: isoTime(ingress.metadata?.creationTimestamp, EPOCH),
    ingress,
  };
}

/**
 * Oldest first, then by identity, then by the Ingress (`namespace/name`; a spec claim before its Ingresses): a
 * total order, so that which Ingress serves the host and the order of `conflicting` do not depend on the
 * order the caches list the Ingresses in.
 */
const older = (a: Claimant, b: Claimant) =>
  a.since.localeCompare(b.since) ||
  a.identity.localeCompare(b.identity) ||
  (a.ingress ? refOf(a.ingress) : '').localeCompare(b.ingress ? refOf(b.ingress) : '');

function ownerOf(claimants: readonly Claimant[], current: Domain | null): Claimant | undefined {
  const services = claimants.filter((claimant) => claimant.ingress === undefined);
  const currentOwner = current ? (current.service ?? current.ingress) : undefined;
  if (services.length > 0)
    return services.find((claimant) => claimant.identity === currentOwner) ?? [...services].sort(older)[0];
  const kept = claimants.filter((claimant) => claimant.identity === currentOwner).sort(older)[0];
  return kept ?? [...claimants].sort(older)[0];
}

function pathsOf(ingress: V1Ingress | undefined, host: string): string[] {
  if (!ingress) return ['/'];
  const paths = (ingress.spec?.rules ?? [])
    .filter((rule) => rule.host === host)
    .flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.path || '/'))
    .filter((path) => /^\/\S*$/.test(path));
  return paths.length > 0 ? [...new Set(paths)].sort() : ['/'];
}

function tlsOf(ingress: V1Ingress | undefined, host: string): Domain['tls'] {
  const entry = (ingress?.spec?.tls ?? []).find((tls) => (tls.hosts ?? []).includes(host));
  if (!entry) return undefined;
  return entry.secretName ? { secretName: entry.secretName } : {};
}

function targetsOf(ingress: V1Ingress | undefined, vips: readonly string[]): string[] {
  const published = (ingress?.status?.loadBalancer?.ingress ?? []).flatMap((entry) =>
    entry.ip ? [entry.ip] : entry.hostname ? [entry.hostname] : [],
  );
  return published.length > 0 ? published : [...vips];
}

export function decideDomain(input: DomainInputs): DomainDecision {
  const ingresses = input.ingresses.filter((ingress) => routesHost(ingress, input.host));
  const fromIngresses = ingresses.map(ingressClaimant);
  const claimants: Claimant[] = [
    ...input.claims.map((claim) => ({
      identity: claim.service,
      service: claim.service,
      namespace: claim.namespace,
      // As an instant in UTC like the Ingresses' times: the text of `+02:00` and `Z` times does not sort.
      since: isoTime(claim.createdAt, EPOCH),
    })),
    ...fromIngresses,
  ];
  const owner = ownerOf(claimants, input.current);
  if (!owner) return { record: null, conflicting: [] };
  const servedBy = fromIngresses
    .filter((claimant) => claimant.identity === owner.identity)
    .sort(older)[0]?.ingress;
  const others = claimants.filter((claimant) => claimant.identity !== owner.identity).sort(older);
  const rival = others[0];
  const tls = tlsOf(servedBy, input.host);
  const record: Domain = {
    host: input.host,
    ...(owner.service ? { service: owner.service } : {}),
    namespace: servedBy?.metadata?.namespace ?? owner.namespace,
    ...(servedBy ? { ingress: refOf(servedBy) } : {}),
    paths: pathsOf(servedBy, input.host),
    ...(tls ? { tls } : {}),
    targets: targetsOf(servedBy, input.vips),
    ...(rival ? { conflict: { with: rival.identity, since: rival.since } } : {}),
    updatedAt: input.now.toISOString(),
  };
  const conflicting = others.flatMap((claimant) => (claimant.ingress ? [claimant.ingress] : []));
  return { record, conflicting };
}
