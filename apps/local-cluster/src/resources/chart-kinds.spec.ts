/**
 * The kinds a Helm chart installs (RBAC, batch, policy, NetworkPolicy) through the registry, as a request
 * reaches them: defaults, then validation, and kube-apiserver's 422 message for each refusal.
 */
import type { JsonObject, KubeObject } from '../api-types';
import { ClusterState } from '../cluster-state';
import { StatusError } from '../errors';
import type { ResourceDefinition } from '../registry/resource-definition';
import { cronJobs, jobs } from './batch';
import { namespaces } from './namespaces';
import { networkPolicies } from './networkpolicies';
import { podDisruptionBudgets } from './poddisruptionbudgets';
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from './rbac';

const NS = 'team';

function newState(): ClusterState {
  const state = new ClusterState({
    watchCacheSize: 100,
    serviceCidr: '10.96.0.0/12',
    clock: () => new Date('2025-01-01T00:00:00Z'),
  });
  state.registry.create(namespaces, undefined, { metadata: { name: NS } });
  return state;
}

function object(definition: ResourceDefinition, name: string, fields: JsonObject): KubeObject {
  const apiVersion = definition.group ? `${definition.group}/${definition.version}` : definition.version;
  return { apiVersion, kind: definition.kind, metadata: { name }, ...fields };
}

/** The create's 422 message, or `ok`. */
function createMessage(state: ClusterState, definition: ResourceDefinition, body: KubeObject): string {
  try {
    state.registry.create(definition, definition.namespaced ? NS : undefined, body);
    return 'ok';
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    expect(error.code).toBe(422);
    return error.message;
  }
}

const podTemplate = (restartPolicy?: string): JsonObject => ({
  spec: {
    ...(restartPolicy ? { restartPolicy } : {}),
    containers: [{ name: 'task', image: 'busybox:1.36' }],
  },
});

const cronJob = (spec: JsonObject, name = 'nightly'): KubeObject =>
  object(cronJobs, name, {
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: podTemplate('OnFailure') } }, ...spec },
  });

const rule = (fields: JsonObject): JsonObject => ({
  apiGroups: [''],
  resources: ['pods'],
  verbs: ['get'],
  ...fields,
});
const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' };

describe('validation of the chart kinds (kube-apiserver messages)', () => {
  const state = newState();

  it.each<[string, ResourceDefinition, KubeObject, string]>([
    ['a role with a resource rule', roles, object(roles, 'reader', { rules: [rule({})] }), 'ok'],
    ['a role without rules', roles, object(roles, 'empty', {}), 'ok'],
    ['a role name with a colon', roles, object(roles, 'system:reader', { rules: [rule({})] }), 'ok'],
    [
      'a role name with a slash',
      roles,
      object(roles, 'a/b', {}),
      `Role.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain '/'`,
    ],
    [
      'a cluster role rule without verbs',
      clusterRoles,
      object(clusterRoles, 'no-verbs', { rules: [{ apiGroups: [''], resources: ['pods'] }] }),
      'ClusterRole.rbac.authorization.k8s.io "no-verbs" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    ],
    [
      'a role rule with empty verbs, no groups and no resources',
      roles,
      object(roles, 'bare', { rules: [{ verbs: [] }] }),
      'Role.rbac.authorization.k8s.io "bare" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].resources: Required value: resource rules must supply at least one resource]',
    ],
    [
      'non-resource URLs in a cluster role',
      clusterRoles,
      object(clusterRoles, 'metrics', { rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] }),
      'ok',
    ],
    [
      'non-resource URLs in a role',
      roles,
      object(roles, 'urls', { rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] }),
      'Role.rbac.authorization.k8s.io "urls" is invalid: rules[0].nonResourceURLs: Invalid value: ["/metrics"]: namespaced rules cannot apply to non-resource URLs',
    ],
    [
      'non-resource URLs beside resources',
      clusterRoles,
      object(clusterRoles, 'mixed', { rules: [rule({ nonResourceURLs: ['/healthz'] })] }),
      'ClusterRole.rbac.authorization.k8s.io "mixed" is invalid: rules[0].nonResourceURLs: Invalid value: ["/healthz"]: rules cannot apply to both regular resources and non-resource URLs',
    ],
    [
      'an aggregation rule without selectors',
      clusterRoles,
      object(clusterRoles, 'aggregate', { aggregationRule: {} }),
      'ClusterRole.rbac.authorization.k8s.io "aggregate" is invalid: aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ],
    [
      'a role binding to a service account (no namespace needed)',
      roleBindings,
      object(roleBindings, 'read', { roleRef, subjects: [{ kind: 'ServiceAccount', name: 'api' }] }),
      'ok',
    ],
    [
      'a role binding without roleRef',
      roleBindings,
      object(roleBindings, 'no-ref', {}),
      'RoleBinding.rbac.authorization.k8s.io "no-ref" is invalid: [roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole", roleRef.name: Required value]',
    ],
    [
      'a role binding with a bad subject kind and a user outside the rbac group',
      roleBindings,
      object(roleBindings, 'subjects', {
        roleRef,
        subjects: [
          { kind: 'Robot', name: 'r2' },
          { kind: 'User', name: 'jane', apiGroup: 'example.com' },
        ],
      }),
      'RoleBinding.rbac.authorization.k8s.io "subjects" is invalid: [subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group", subjects[1].apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"]',
    ],
    [
      'a cluster role binding to a Role',
      clusterRoleBindings,
      object(clusterRoleBindings, 'to-role', { roleRef }),
      'ClusterRoleBinding.rbac.authorization.k8s.io "to-role" is invalid: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    ],
    [
      'a cluster role binding to a service account without namespace',
      clusterRoleBindings,
      object(clusterRoleBindings, 'sa', {
        roleRef: { ...roleRef, kind: 'ClusterRole' },
        subjects: [{ kind: 'ServiceAccount', name: 'api' }],
      }),
      'ClusterRoleBinding.rbac.authorization.k8s.io "sa" is invalid: subjects[0].namespace: Required value',
    ],
    [
      'a job with restartPolicy left to its default (Always)',
      jobs,
      object(jobs, 'migrate', { spec: { template: podTemplate() } }),
      'Job.batch "migrate" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ],
    [
      'a job with a negative backoffLimit',
      jobs,
      object(jobs, 'backoff', { spec: { backoffLimit: -1, template: podTemplate('Never') } }),
      'Job.batch "backoff" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    ],
    ['a cron job', cronJobs, cronJob({}), 'ok'],
    [
      'a cron job with a macro and a time zone',
      cronJobs,
      cronJob({ schedule: '@hourly', timeZone: 'Europe/Paris' }, 'hourly'),
      'ok',
    ],
    [
      'a cron job without schedule',
      cronJobs,
      cronJob({ schedule: undefined }, 'unscheduled'),
      'CronJob.batch "unscheduled" is invalid: spec.schedule: Required value',
    ],
    [
      'a cron job with schedule "every hour"',
      cronJobs,
      cronJob({ schedule: 'every hour' }, 'prose'),
      'CronJob.batch "prose" is invalid: spec.schedule: Invalid value: "every hour": expected exactly 5 fields, found 2: [every hour]',
    ],
    [
      'a cron job with TZ in its schedule',
      cronJobs,
      cronJob({ schedule: 'TZ=UTC 0 3 * * *' }, 'tz'),
      'CronJob.batch "tz" is invalid: spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ],
    [
      'a cron job with an unknown time zone',
      cronJobs,
      cronJob({ timeZone: 'Mars/Olympus' }, 'mars'),
      'CronJob.batch "mars" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    ],
    [
      'a cron job with concurrencyPolicy Sometimes',
      cronJobs,
      cronJob({ concurrencyPolicy: 'Sometimes' }, 'sometimes'),
      'CronJob.batch "sometimes" is invalid: spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ],
    [
      'a cron job whose template has no containers and restarts Always',
      cronJobs,
      cronJob({ jobTemplate: { spec: { template: { spec: {} } } } }, 'empty'),
      'CronJob.batch "empty" is invalid: [spec.jobTemplate.spec.template.spec.containers: Required value, spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"]',
    ],
    [
      'a cron job with a job selector and a negative history limit',
      cronJobs,
      cronJob(
        {
          successfulJobsHistoryLimit: -1,
          jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, template: podTemplate('Never') } },
        },
        'selector',
      ),
      'CronJob.batch "selector" is invalid: [spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated, spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0]',
    ],
    [
      'a cron job named with 53 characters',
      cronJobs,
      cronJob({}, 'c'.repeat(53)),
      `CronJob.batch "${'c'.repeat(53)}" is invalid: metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`,
    ],
    [
      'a PDB with minAvailable 2',
      podDisruptionBudgets,
      object(podDisruptionBudgets, 'min', { spec: { minAvailable: 2 } }),
      'ok',
    ],
    [
      'a PDB with maxUnavailable 25%',
      podDisruptionBudgets,
      object(podDisruptionBudgets, 'max', {
        spec: { maxUnavailable: '25%', selector: { matchLabels: { app: 'api' } } },
      }),
      'ok',
    ],
    [
      'a PDB with both minAvailable and maxUnavailable',
      podDisruptionBudgets,
      object(podDisruptionBudgets, 'both', { spec: { minAvailable: 1, maxUnavailable: 1 } }),
      'PodDisruptionBudget.policy "both" is invalid: spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
    ],
    [
      'a PDB with a bad percent and one above 100%',
      podDisruptionBudgets,
      object(podDisruptionBudgets, 'percent', { spec: { minAvailable: 'half' } }),
      `PodDisruptionBudget.policy "percent" is invalid: spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"half"}: a valid percent string must be a numeric string followed by an ending '%'`,
    ],
    [
      'a PDB above 100%',
      podDisruptionBudgets,
      object(podDisruptionBudgets, 'over', { spec: { maxUnavailable: '150%' } }),
      `PodDisruptionBudget.policy "over" is invalid: spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%`,
    ],
    [
      'a PDB with a negative minAvailable and a bad selector operator',
      podDisruptionBudgets,
      object(podDisruptionBudgets, 'negative', {
        spec: {
          minAvailable: -1,
          selector: { matchExpressions: [{ key: 'app', operator: 'Is', values: ['x'] }] },
        },
      }),
      'PodDisruptionBudget.policy "negative" is invalid: [spec.minAvailable: Invalid value: -1: must be greater than or equal to 0, spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator]',
    ],
    [
      'a network policy with ports, peers and an ipBlock',
      networkPolicies,
      object(networkPolicies, 'api', {
        spec: {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [
            {
              from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }],
              ports: [{ port: 8080 }, { protocol: 'UDP', port: 'dns' }],
            },
          ],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
        },
      }),
      'ok',
    ],
    [
      'a network policy with a bad protocol, port and policy type',
      networkPolicies,
      object(networkPolicies, 'bad-ports', {
        spec: {
          podSelector: {},
          policyTypes: ['Ingress', 'Sideways'],
          ingress: [{ ports: [{ protocol: 'ICMP', port: 70000 }, { port: 'Web_Port' }] }],
        },
      }),
      'NetworkPolicy.networking.k8s.io "bad-ports" is invalid: [spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP", spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ingress[0].ports[1].port: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"]',
    ],
    [
      'network policy peers: empty, ipBlock beside a selector, bad CIDR, except outside',
      networkPolicies,
      object(networkPolicies, 'bad-peers', {
        spec: {
          podSelector: {},
          egress: [
            {
              to: [
                {},
                { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} },
                { ipBlock: { cidr: '10.0.0.0/33' } },
                { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16', '192.168.0.0/24'] } },
              ],
            },
          ],
        },
      }),
      'NetworkPolicy.networking.k8s.io "bad-peers" is invalid: [spec.egress[0].to[0]: Required value: must specify a peer, spec.egress[0].to[1]: Forbidden: may not specify both ipBlock and another peer, spec.egress[0].to[2].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64), spec.egress[0].to[3].ipBlock.except[0]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`, spec.egress[0].to[3].ipBlock.except[1]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`]',
    ],
  ])('%s', (_title, definition, body, expected) => {
    expect(createMessage(state, definition, body)).toBe(expected);
  });
});

describe('defaults and update rules of the chart kinds', () => {
  const state = newState();

  it('fills kube’s CronJob defaults and the pod defaults of its template', () => {
    const created = state.registry.create(cronJobs, NS, cronJob({}, 'defaults'));
    expect(created.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        spec: { template: { spec: { dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 } } },
      },
    });
    expect(created.status).toEqual({});
    expect(created.metadata.generation).toBe(1);
  });

  it('generates a Job’s selector and template labels from its uid, and keeps the template fixed', () => {
    const created = state.registry.create(
      jobs,
      NS,
      object(jobs, 'migrate', {
        spec: { template: { metadata: { labels: { app: 'migrate' } }, ...podTemplate('Never') } },
      }),
    );
    const uid = created.metadata.uid;
    expect(created.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      template: {
        metadata: {
          labels: {
            app: 'migrate',
            'batch.kubernetes.io/controller-uid': uid,
            'batch.kubernetes.io/job-name': 'migrate',
            'controller-uid': uid,
            'job-name': 'migrate',
          },
        },
      },
    });
    expect(created.metadata.labels).toMatchObject({ app: 'migrate', 'job-name': 'migrate' });
    const changed = structuredClone(created);
    (
      changed.spec as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers[0]!.image = 'busybox:1.37';
    expect(() => state.registry.update(jobs, NS, 'migrate', changed)).toThrow(
      /spec.template: Invalid value: .*: field is immutable/,
    );
  });

  it('defaults a RoleBinding’s roleRef and User subjects to the RBAC group, and refuses a changed roleRef', () => {
    const created = state.registry.create(
      roleBindings,
      NS,
      object(roleBindings, 'read', {
        roleRef: { kind: 'Role', name: 'reader' },
        subjects: [
          { kind: 'User', name: 'jane' },
          { kind: 'ServiceAccount', name: 'api' },
        ],
      }),
    );
    expect(created.roleRef).toEqual(roleRef);
    expect(created.subjects).toEqual([
      { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'api' },
    ]);
    expect(() =>
      state.registry.update(roleBindings, NS, 'read', {
        ...created,
        roleRef: { ...roleRef, name: 'writer' },
      }),
    ).toThrow(
      'RoleBinding.rbac.authorization.k8s.io "read" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"writer"}: cannot change roleRef',
    );
    expect(state.registry.update(roleBindings, NS, 'read', { ...created, subjects: [] }).created).toBe(false);
  });

  it('defaults NetworkPolicy policyTypes and port protocols, and an absent podSelector to every pod', () => {
    const created = state.registry.create(
      networkPolicies,
      NS,
      object(networkPolicies, 'egress', { spec: { egress: [{ ports: [{ port: 53 }] }] } }),
    );
    expect(created.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }],
    });
  });

  it('gives a PodDisruptionBudget kube’s zero status counts', () => {
    const created = state.registry.create(
      podDisruptionBudgets,
      NS,
      object(podDisruptionBudgets, 'api', { spec: { minAvailable: 1 } }),
    );
    expect(created.status).toEqual({
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
    });
  });
});
