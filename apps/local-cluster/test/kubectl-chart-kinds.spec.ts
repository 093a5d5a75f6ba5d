/**
 * The kinds a Helm chart installs besides workloads, through the real kubectl: RBAC (Role, RoleBinding,
 * ClusterRole, ClusterRoleBinding), batch (Job, CronJob), policy (PodDisruptionBudget) and NetworkPolicy.
 * One multi-document manifest goes through `kubectl apply --dry-run=server` (nothing stored), then for real,
 * then again (unchanged); kubectl get shows kube's columns, describe role its rules, a watch sees a binding
 * arrive, and invalid objects are refused with kube-apiserver's messages. Jobs and CronJobs are suspended so
 * a real cluster runs nothing either.
 */
import { parse } from 'yaml';
import { createNamespace, startTestCluster, type TestCluster, uniqueName } from './support/cluster';
import { type Kubectl, kubectlFor } from './support/kubectl';

// Cluster-scoped names of their own, so runs on a shared real cluster never meet.
const CLUSTER_ROLE = uniqueName('chart-metrics');
const CLUSTER_BINDING = uniqueName('chart-metrics');

function manifest(namespace: string, roleRefName = 'config-reader'): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: config-reader
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: api-reads-config
subjects:
  - kind: ServiceAccount
    name: api
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${roleRefName}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${CLUSTER_ROLE}
rules:
  - nonResourceURLs: [/metrics]
    verbs: [get]
  - apiGroups: [""]
    resources: [nodes]
    verbs: [list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${CLUSTER_BINDING}
subjects:
  - kind: ServiceAccount
    name: api
    namespace: ${namespace}
  - kind: Group
    name: auditors
    apiGroup: rbac.authorization.k8s.io
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${CLUSTER_ROLE}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  suspend: true
  template:
    metadata:
      labels:
        app: migrate
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox:1.36
          command: [sh, -c, "echo migrated"]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-backup
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Paris
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: busybox:1.36
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: api
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-ingress
spec:
  podSelector:
    matchLabels:
      app: api
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: web
        - ipBlock:
            cidr: 10.0.0.0/8
            except: [10.1.0.0/16]
      ports:
        - protocol: TCP
          port: 8080
`;
}

const OBJECTS = [
  'role.rbac.authorization.k8s.io/config-reader',
  'rolebinding.rbac.authorization.k8s.io/api-reads-config',
  `clusterrole.rbac.authorization.k8s.io/${CLUSTER_ROLE}`,
  `clusterrolebinding.rbac.authorization.k8s.io/${CLUSTER_BINDING}`,
  'job.batch/migrate',
  'cronjob.batch/nightly-backup',
  'poddisruptionbudget.policy/api',
  'networkpolicy.networking.k8s.io/api-ingress',
];

/** kubectl's error output of a refused command. */
async function refusal(run: Promise<string>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected kubectl to fail');
}

describe('kubectl with the kinds a Helm chart installs', () => {
  let cluster: TestCluster;
  let namespace: string;
  let kubectl: Kubectl;

  beforeAll(async () => {
    cluster = await startTestCluster();
    namespace = await createNamespace(cluster, 'chart');
    kubectl = await kubectlFor(cluster, namespace);
  });
  afterAll(async () => {
    await kubectl('delete', 'clusterrolebinding', CLUSTER_BINDING, '--ignore-not-found').catch(() => '');
    await kubectl('delete', 'clusterrole', CLUSTER_ROLE, '--ignore-not-found').catch(() => '');
    await cluster.stop();
  });

  it('serves the groups and kinds in discovery, for kubectl explain', async () => {
    const resources = await kubectl('api-resources', '--no-headers', '-o', 'name');
    for (const name of [
      'roles.rbac.authorization.k8s.io',
      'rolebindings.rbac.authorization.k8s.io',
      'clusterroles.rbac.authorization.k8s.io',
      'clusterrolebindings.rbac.authorization.k8s.io',
      'jobs.batch',
      'cronjobs.batch',
      'poddisruptionbudgets.policy',
      'networkpolicies.networking.k8s.io',
    ])
      expect(resources.split('\n')).toContain(name);
    expect(await kubectl('explain', 'cronjob')).toMatch(/GROUP:\s+batch\nKIND:\s+CronJob\nVERSION:\s+v1/);
    expect(await kubectl('explain', 'clusterrolebinding')).toMatch(/KIND:\s+ClusterRoleBinding/);
  });

  it('applies the manifest with --dry-run=server without storing anything', async () => {
    const output = await kubectl.withInput(manifest(namespace), 'apply', '--dry-run=server', '-f', '-');
    for (const object of OBJECTS) expect(output).toContain(`${object} created (server dry run)`);
    expect(await kubectl('get', 'roles,rolebindings,jobs,cronjobs,pdb,networkpolicies', '-o', 'name')).toBe(
      '',
    );
    expect(
      await kubectl(
        'get',
        `clusterrole/${CLUSTER_ROLE}`,
        `clusterrolebinding/${CLUSTER_BINDING}`,
        '--ignore-not-found',
        '-o',
        'name',
      ),
    ).toBe('');
  });

  it('applies it for real (created), then again (unchanged) and server-side, and a watch sees a binding arrive', async () => {
    const watch = kubectl.stream('get', 'rolebindings', '-w', '--output-watch-events');
    try {
      const output = await kubectl.withInput(manifest(namespace), 'apply', '-f', '-');
      for (const object of OBJECTS) expect(output).toContain(`${object} created`);
      await watch.line(/^ADDED\s+api-reads-config\s+Role\/config-reader/);
    } finally {
      await watch.stop();
    }
    const again = await kubectl.withInput(manifest(namespace), 'apply', '-f', '-');
    // A PDB's selector has patchStrategy "replace", so kubectl's patch is never empty: "configured" on any cluster.
    for (const object of OBJECTS)
      expect(again).toContain(
        `${object} ${object.startsWith('poddisruptionbudget') ? 'configured' : 'unchanged'}`,
      );
    const serverSide = await kubectl.withInput(
      manifest(namespace),
      'apply',
      '--server-side',
      '--force-conflicts',
      '--dry-run=server',
      '-f',
      '-',
    );
    for (const object of OBJECTS)
      expect(serverSide).toContain(`${object} serverside-applied (server dry run)`);
  });

  it('lists them with kube’s columns', async () => {
    const rbac = await kubectl('get', 'roles,rolebindings');
    expect(rbac).toMatch(
      /^NAME\s+CREATED AT\nrole\.rbac\.authorization\.k8s\.io\/config-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/,
    );
    expect(rbac).toMatch(
      /NAME\s+ROLE\s+AGE\nrolebinding\.rbac\.authorization\.k8s\.io\/api-reads-config\s+Role\/config-reader\s+\d+s/,
    );
    const wide = await kubectl('get', 'clusterrolebinding', CLUSTER_BINDING, '-o', 'wide');
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/);
    expect(wide).toMatch(
      new RegExp(
        `${CLUSTER_BINDING}\\s+ClusterRole/${CLUSTER_ROLE}\\s+\\d+s\\s+auditors\\s+${namespace}/api`,
      ),
    );
    expect(await kubectl('get', 'clusterroles', CLUSTER_ROLE)).toMatch(/^NAME\s+CREATED AT\n/);
    const jobs = await kubectl('get', 'jobs');
    expect(jobs.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    expect(jobs).toMatch(/migrate\s+\w+\s+0\/1\s+/);
    const cron = await kubectl('get', 'cronjobs');
    expect(cron.split('\n')[0]).toMatch(
      /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/,
    );
    expect(cron).toMatch(/nightly-backup\s+0 3 \* \* \*\s+Europe\/Paris\s+True\s+0\s+<none>\s+\d+s/);
    const pdb = await kubectl('get', 'pdb');
    expect(pdb.split('\n')[0]).toMatch(
      /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/,
    );
    expect(pdb).toMatch(/api\s+1\s+N\/A\s+0\s+\d+s/);
    const netpol = await kubectl('get', 'netpol');
    expect(netpol).toMatch(/^NAME\s+POD-SELECTOR\s+AGE\napi-ingress\s+app=api\s+\d+s/);
  });

  it('stores kube’s defaults and describes a role’s rules', async () => {
    const cronJob = parse(await kubectl('get', 'cronjob', 'nightly-backup', '-o', 'yaml')) as {
      spec: Record<string, unknown>;
    };
    expect(cronJob.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    const job = parse(await kubectl('get', 'job', 'migrate', '-o', 'yaml')) as {
      metadata: { uid: string };
      spec: { selector: { matchLabels: Record<string, string> }; backoffLimit: number };
    };
    expect(job.spec.selector.matchLabels).toEqual({ 'batch.kubernetes.io/controller-uid': job.metadata.uid });
    expect(job.spec.backoffLimit).toBe(6);
    const described = await kubectl('describe', 'role', 'config-reader');
    expect(described).toMatch(/PolicyRule:\n\s+Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    expect(described).toMatch(/configmaps\s+\[\]\s+\[\]\s+\[get list watch\]/);
    expect(await kubectl('describe', 'rolebinding', 'api-reads-config')).toMatch(
      /Role:\n\s+Kind:\s+Role\n\s+Name:\s+config-reader/,
    );
  });

  it('refuses invalid objects with kube’s messages, on a dry run as for real', async () => {
    const noVerbs = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${uniqueName('no-verbs')}
rules:
  - apiGroups: [""]
    resources: [pods]
`;
    expect(await refusal(kubectl.withInput(noVerbs, 'apply', '--dry-run=server', '-f', '-'))).toContain(
      'is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    );
    const prose = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: prose
spec:
  schedule: every hour
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: task
              image: busybox:1.36
`;
    expect(await refusal(kubectl.withInput(prose, 'apply', '-f', '-'))).toContain(
      'The CronJob "prose" is invalid: spec.schedule: Invalid value: "every hour": expected exactly 5 fields, found 2: [every hour]',
    );
    const both = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: both
spec:
  minAvailable: 1
  maxUnavailable: 1
  selector:
    matchLabels:
      app: api
`;
    expect(await refusal(kubectl.withInput(both, 'apply', '--dry-run=server', '-f', '-'))).toMatch(
      /The PodDisruptionBudget "both" is invalid: spec: Invalid value: .*: minAvailable and maxUnavailable cannot be both set/,
    );
    expect(await refusal(kubectl.withInput(manifest(namespace, 'other-role'), 'apply', '-f', '-'))).toMatch(
      /The RoleBinding "api-reads-config" is invalid: roleRef: Invalid value: rbac\.RoleRef\{APIGroup:"rbac\.authorization\.k8s\.io", Kind:"Role", Name:"other-role"\}: cannot change roleRef/,
    );
    expect(await kubectl('get', 'rolebinding', 'api-reads-config', '-o', 'jsonpath={.roleRef.name}')).toBe(
      'config-reader',
    );
    expect(await kubectl('get', 'cronjobs,pdb', '-o', 'name')).not.toMatch(/prose|both/);
  });

  it('deletes them', async () => {
    const output = await kubectl.withInput(manifest(namespace), 'delete', '-f', '-');
    for (const object of OBJECTS)
      expect(output).toMatch(
        new RegExp(`${object.split('/')[0]!.replace(/\./g, '\\.')} "${object.split('/')[1]}" deleted`),
      );
  });
});
