import {
  DomainSchema,
  GitHubCommentSchema,
  GitHubReportSchema,
  RepoClaimSchema,
  WebhookDeliverySchema,
  type GitHubComment,
  type GitHubReport,
  type RepoClaim,
  type WebhookDelivery,
  IpPoolSchema,
  IpRecordSchema,
  LogPositionRecordSchema,
  NodeUsageRecordSchema,
  LbEndpointsSchema,
  OutboxEntrySchema,
  outboxEntryId,
  ServiceSchema,
  TokenSchema,
  type Domain,
  type IpPool,
  type IpRecord,
  type LogPositionRecord,
  type NodeUsageRecord,
  type LbEndpoints,
  type OutboxEntry,
  type Service,
  type Token,
} from '@cite/model';
import { AuditLog } from './audit-log';
import { BatchReportStore } from './batch-reports';
import type { EtcdStoreOptions } from './etcd-connection';
import { EtcdStore } from './etcd-store';
import { assertSegment, ids, KEYSPACES } from './keys';
import { ReleaseStore } from './release-store';
import type { Repository, Versioned } from './repository';

/** The one record at `network/pool`. */
export class NetworkPoolRecord {
  static readonly ID = 'pool';

  constructor(readonly records: Repository<IpPool>) {}

  get(): Promise<Versioned<IpPool> | null> {
    return this.records.get(NetworkPoolRecord.ID);
  }

  /** Writes the first pool; `ConflictError` if one exists. */
  create(pool: IpPool): Promise<Versioned<IpPool>> {
    return this.records.create(NetworkPoolRecord.ID, pool);
  }

  /** Compare-and-swap; `ConflictError` when someone changed the pool since `expectedModRevision`. */
  update(pool: IpPool, expectedModRevision: number): Promise<Versioned<IpPool>> {
    return this.records.update(NetworkPoolRecord.ID, pool, expectedModRevision);
  }

  modify(change: (current: IpPool) => IpPool): Promise<Versioned<IpPool>> {
    return this.records.modify(NetworkPoolRecord.ID, change);
  }
}

/**
 * cite's metadata in etcd, one typed store per record kind of the key layout, each validating with the
 * `@cite/model` schemas on write and on read. Owns its `EtcdStore` when made with `create`.
 */
export class MetadataStore {
  /** `services/<name>` */
  readonly services: Repository<Service>;
  /** `releases/<service>/<number>` */
  readonly releases: ReleaseStore;
  /** `domains/<host>` */
  readonly domains: Repository<Domain>;
  /** `lb/<namespace>/<service>`; ids from `MetadataStore.lbEndpointsId`. */
  readonly lbEndpoints: Repository<LbEndpoints>;
  /** `network/pool` */
  readonly networkPool: NetworkPoolRecord;
  /** `ips/<ip>`: the pod that holds an address (the watcher's). */
  readonly ips: Repository<IpRecord>;
  /** `nodes/<node>`: a node's pod-range use (the watcher's). */
  readonly nodes: Repository<NodeUsageRecord>;
  /** `logpositions/<pod uid>/<container>`: how far the log shipper got. */
  readonly logPositions: Repository<LogPositionRecord>;
  /** `tokens/<id>` */
  readonly tokens: Repository<Token>;
  /** `audit/<time>-<id>` */
  readonly audit: AuditLog;
  /** `outbox/<id>`: jobs written with their change, until they are on the queue. */
  readonly outbox: Repository<OutboxEntry>;
  /** `repos/<owner>/<name>/<branch>`: which service deploys a repository's branch; ids from `ids.repoClaim`. */
  readonly repoClaims: Repository<RepoClaim>;
  /** `webhooks/deliveries/<id>`: each webhook delivery and its outcome, on a lease. */
  readonly deliveries: Repository<WebhookDelivery>;
  /** `github/reports/<service>/<release>`: how far a release's report to GitHub got. */
  readonly githubReports: Repository<GitHubReport>;
  /** `github/comments/<service>`: a preview's pull-request comment. */
  readonly githubComments: Repository<GitHubComment>;
  /** `batch/reports/<task>/<id>`: what each batch run found and did. */
  readonly batchReports: BatchReportStore;

  constructor(
    /** The underlying store: locks, elections, readiness. */
    readonly etcd: EtcdStore,
  ) {
    const oneSegment = (kind: string) => (id: string) => assertSegment(id, kind);
    this.services = etcd.repository<Service>({
      keyspace: KEYSPACES.services,
      schema: ServiceSchema,
      kind: 'service',
      validateId: oneSegment('service name'),
      identify: (service) => service.name,
    });
    this.releases = new ReleaseStore(etcd, (service) => this.services.keyOf(service));
    this.domains = etcd.repository<Domain>({
      keyspace: KEYSPACES.domains,
      schema: DomainSchema,
      kind: 'domain',
      validateId: oneSegment('host'),
      identify: (domain) => domain.host,
    });
    this.lbEndpoints = etcd.repository<LbEndpoints>({
      keyspace: KEYSPACES.lbEndpoints,
      schema: LbEndpointsSchema,
      kind: 'load-balancer endpoints',
      identify: (lb) => ids.lbEndpoints(lb.namespace, lb.service),
    });
    this.networkPool = new NetworkPoolRecord(
      etcd.repository<IpPool>({ keyspace: KEYSPACES.network, schema: IpPoolSchema, kind: 'ip pool' }),
    );
    this.ips = etcd.repository<IpRecord>({
      keyspace: KEYSPACES.networkIps,
      schema: IpRecordSchema,
      kind: 'ip record',
      validateId: oneSegment('ip'),
      identify: (record) => record.ip,
    });
    this.nodes = etcd.repository<NodeUsageRecord>({
      keyspace: KEYSPACES.networkNodes,
      schema: NodeUsageRecordSchema,
      kind: 'node record',
      validateId: oneSegment('node'),
      identify: (record) => record.node,
    });
    this.logPositions = etcd.repository<LogPositionRecord>({
      keyspace: KEYSPACES.logPositions,
      schema: LogPositionRecordSchema,
      kind: 'log position',
    });
    this.tokens = etcd.repository<Token>({
      keyspace: KEYSPACES.tokens,
      schema: TokenSchema,
      kind: 'token',
      validateId: oneSegment('token id'),
      identify: (token) => token.id,
    });
    this.audit = new AuditLog(etcd);
    this.batchReports = new BatchReportStore(etcd);
    this.outbox = etcd.repository<OutboxEntry>({
      keyspace: KEYSPACES.outbox,
      schema: OutboxEntrySchema,
      kind: 'outbox entry',
      validateId: oneSegment('outbox entry id'),
      identify: outboxEntryId,
    });
    this.repoClaims = etcd.repository<RepoClaim>({
      keyspace: KEYSPACES.repoClaims,
      schema: RepoClaimSchema,
      kind: 'repository claim',
      identify: (claim) => ids.repoClaim(claim.repo, claim.branch),
    });
    this.deliveries = etcd.repository<WebhookDelivery>({
      keyspace: KEYSPACES.webhookDeliveries,
      schema: WebhookDeliverySchema,
      kind: 'webhook delivery',
      validateId: oneSegment('delivery id'),
      identify: (delivery) => delivery.id,
    });
    this.githubReports = etcd.repository<GitHubReport>({
      keyspace: KEYSPACES.githubReports,
      schema: GitHubReportSchema,
      kind: 'GitHub report',
    });
    this.githubComments = etcd.repository<GitHubComment>({
      keyspace: KEYSPACES.githubComments,
      schema: GitHubCommentSchema,
      kind: 'GitHub comment',
      validateId: oneSegment('service name'),
    });
  }

  /**
   * Every record of a preview service, gone in one transaction while the service is still at `modRevision`:
   * its spec, releases, deploy logs, observed status and GitHub reports. Audit entries stay. False when the
   * service moved (read again).
   */
  async purgeService(name: string, modRevision: number): Promise<boolean> {
    assertSegment(name, 'service name');
    const batch = this.etcd.batch();
    batch.delete(this.services, name, modRevision);
    for (const prefix of [
      `${KEYSPACES.releases}${name}/`,
      `${KEYSPACES.releaseLogs}${name}/`,
      `${KEYSPACES.githubReports}${name}/`,
    ])
      batch.deletePrefix(this.etcd.key(prefix));
    batch.deleteKey(this.etcd.key(KEYSPACES.observedStatus + name));
    batch.deleteKey(this.etcd.key(KEYSPACES.githubComments + name));
    return (await batch.commit(`purge service ${name}`)) !== null;
  }

  /** Connects to etcd (see `EtcdStore.create`) and builds the metadata store on it. */
  static async create(options: EtcdStoreOptions): Promise<MetadataStore> {
    return new MetadataStore(await EtcdStore.create(options));
  }

  /** The id of a service's load-balancer endpoints record. */
  static lbEndpointsId(namespace: string, service: string): string {
    return ids.lbEndpoints(namespace, service);
  }

  ping(): Promise<void> {
    return this.etcd.ping();
  }

  close(): Promise<void> {
    return this.etcd.close();
  }
}
