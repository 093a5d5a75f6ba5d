/**
 * Valid example records for tests (`@cite/model/testing`); production code never imports this. Each builder
 * takes overrides, shallowly merged.
 */
import type { AuditEntry } from './audit';
import type { Domain } from './domain';
import type { IpPool } from './ip-pool';
import type { LbEndpoints } from './lb-endpoints';
import { releaseConfigOf, type Release } from './release';
import type { Service } from './service';
import type { Token } from './token';

export const EXAMPLE_TIME = '2024-05-01T12:00:00Z';

export function exampleService(overrides: Partial<Service> = {}): Service {
  return {
    name: 'payments-api',
    team: 'payments',
    repo: 'acme/payments-api',
    image: 'registry.local:5000/payments/payments-api',
    port: 8080,
    replicas: 2,
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
    env: [{ name: 'LOG_LEVEL', value: 'info' }],
    healthCheck: {
      path: '/healthz',
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    },
    domains: ['payments.example.com'],
    deployPolicy: { branch: 'main', autoDeploy: true, previews: true, tagTemplate: '{sha}' },
    autoRollback: true,
    labels: { 'example.com/cost-center': 'cc-42' },
    state: 'active',
    createdAt: EXAMPLE_TIME,
    updatedAt: EXAMPLE_TIME,
    ...overrides,
  };
}

export function exampleRelease(overrides: Partial<Release> = {}): Release {
  return {
    service: 'payments-api',
    number: 1,
    image: 'registry.local:5000/payments/payments-api:4f2a9c1',
    gitSha: '4f2a9c1',
    config: releaseConfigOf(exampleService()),
    cause: 'deploy',
    actor: 'github:octocat',
    status: 'pending',
    createdAt: EXAMPLE_TIME,
    ...overrides,
  };
}

export function exampleDomain(overrides: Partial<Domain> = {}): Domain {
  return {
    host: 'payments.example.com',
    service: 'payments-api',
    namespace: 'cite-payments',
    paths: ['/'],
    targets: ['payments-api:8080'],
    updatedAt: EXAMPLE_TIME,
    ...overrides,
  };
}

export function exampleLbEndpoints(overrides: Partial<LbEndpoints> = {}): LbEndpoints {
  return {
    namespace: 'cite-payments',
    service: 'payments-api',
    port: 8080,
    endpoints: [
      { ip: '10.60.240.17', port: 8080, node: 'node-139', pod: 'payments-api-7d9f8-abcde' },
      { ip: '10.60.241.5', port: 8080 },
    ],
    updatedAt: EXAMPLE_TIME,
    ...overrides,
  };
}

export function exampleIpPool(overrides: Partial<IpPool> = {}): IpPool {
  return {
    supernets: ['10.60.240.0/20'],
    ranges: ['10.60.240.0/24', '10.60.241.0/24'],
    nodes: [
      { name: 'node-139', address: '10.60.25.139' },
      { name: 'node-140', address: '10.60.25.140' },
    ],
    ...overrides,
  };
}

export function exampleToken(overrides: Partial<Token> = {}): Token {
  return {
    id: 'tok_01HX3',
    name: 'ci deploys',
    hash: 'a'.repeat(64),
    role: 'member',
    teams: ['payments'],
    createdAt: EXAMPLE_TIME,
    createdBy: 'token:admin',
    ...overrides,
  };
}

export function exampleAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: '01HX3ABCDEF',
    time: EXAMPLE_TIME,
    actor: 'token:tok_01HX3',
    action: 'service.create',
    target: 'service/payments-api',
    sourceIp: '10.1.2.3',
    outcome: 'ok',
    details: { replicas: 2 },
    ...overrides,
  };
}
