/**
 * kubectl get (list, with kube's table columns), get -o yaml and describe for every resource local-cluster
 * serves, plus a custom resource. Controllers run, so pods, events, endpoints and slices exist.
 */
import { join } from 'node:path';
import { ApiextensionsV1Api, DiscoveryV1Api } from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  createNamespace,
  startTestCluster,
  type TestCluster,
  uniqueName,
  ZERO_DELAYS,
} from './support/cluster';
import { waitFor } from './support/controllers';
import { type Kubectl, kubectlFor } from './support/kubectl';

// A CRD group of its own, so runs on a shared real cluster never meet.
const GROUP = `${uniqueName('widgets')}.example.com`;
const ENDPOINT = String.raw`\d+\.\d+\.\d+\.\d+:8080`;

interface Case {
  resource: string;
  kind: string;
  /** The object to get and describe, known once the fixtures are up. */
  name: () => string;
  /** Its namespace when not the test's (node leases). */
  namespace?: string;
  /** kubectl get's header line. */
  header: RegExp;
  /** What describe must show. */
  describe: RegExp[];
  /** Tells two cases of one resource apart in test names. */
  label?: string;
}

const title = (c: Case): string => (c.label ? `${c.resource} (${c.label})` : c.resource);

const found: Record<string, string> = {};
let namespace = '';

const CASES: Case[] = [
  {
    resource: 'namespaces',
    kind: 'Namespace',
    name: () => namespace,
    header: /^NAME\s+STATUS\s+AGE$/,
    describe: [/Status:\s+Active/, /Resource Quotas\n\s+Name:\s+quota/, /Resource Limits\n/],
  },
  {
    resource: 'nodes',
    kind: 'Node',
    name: () => found.node!,
    header: /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/,
    describe: [
      /Lease:\n\s+HolderIdentity:\s+\S+/,
      /Conditions:\n.*\n.*\n(.*\n)*\s+Ready\s+True\s+\w{3}, \d\d \w{3} \d{4}/,
      /Non-terminated Pods:\s+\(\d+ in total\)/,
    ],
  },
  {
    resource: 'pods',
    kind: 'Pod',
    name: () => found.pod!,
    header: /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/,
    describe: [/Status:\s+Running/, /Events:\n\s+Type\s+Reason/],
  },
  {
    resource: 'services',
    kind: 'Service',
    name: () => 'web',
    header: /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/,
    describe: [new RegExp(`Endpoints:\\s+${ENDPOINT},${ENDPOINT}\\n`)],
  },
  {
    resource: 'services',
    kind: 'Service',
    name: () => 'plain',
    label: 'a single unnamed port',
    header: /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/,
    describe: [/Port:\s+<unset>\s+81\/TCP/, new RegExp(`Endpoints:\\s+${ENDPOINT},${ENDPOINT}\\n`)],
  },
  {
    resource: 'endpoints',
    kind: 'Endpoints',
    name: () => 'web',
    header: /^NAME\s+ENDPOINTS\s+AGE$/,
    describe: [/Addresses:\s+\d+\.\d+\.\d+\.\d+,\d+\.\d+\.\d+\.\d+/, /http\s+8080\s+TCP/],
  },
  {
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    name: () => found.slice!,
    header: /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/,
    describe: [/AddressType:\s+IPv4/, /Ports:\n\s+Name\s+Port\s+Protocol\n\s+----.*\n\s+http\s+8080\s+TCP/],
  },
  {
    resource: 'events',
    kind: 'Event',
    name: () => found.event!,
    header: /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/,
    describe: [/Involved Object:/, /Reason:\s+\w+/],
  },
  {
    resource: 'configmaps',
    kind: 'ConfigMap',
    name: () => 'settings',
    header: /^NAME\s+DATA\s+AGE$/,
    describe: [/Data\n====\nmode:\n----\nprod/],
  },
  {
    resource: 'secrets',
    kind: 'Secret',
    name: () => 'token',
    header: /^NAME\s+TYPE\s+DATA\s+AGE$/,
    describe: [/Type:\s+Opaque/, /key:\s+6 bytes/],
  },
  {
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    name: () => 'robot',
    header: /^NAME\s+SECRETS\s+AGE$/,
    describe: [/Name:\s+robot/, /Tokens:\s+<none>/],
  },
  {
    resource: 'resourcequotas',
    kind: 'ResourceQuota',
    name: () => 'quota',
    header: /^NAME\s+AGE\s+REQUEST\s+LIMIT$/,
    describe: [/Resource\s+Used\s+Hard\n\s*--------/, /pods\s+\d+\s+10\n/],
  },
  {
    resource: 'limitranges',
    kind: 'LimitRange',
    name: () => 'limits',
    header: /^NAME\s+CREATED AT$/,
    describe: [/Container\s+memory\s+-\s+1Gi/],
  },
  {
    resource: 'deployments',
    kind: 'Deployment',
    name: () => 'web',
    header: /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/,
    describe: [/Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available/, /Events:\n\s+Type\s+Reason/],
  },
  {
    resource: 'replicasets',
    kind: 'ReplicaSet',
    name: () => found.replicaSet!,
    header: /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/,
    describe: [/Controlled By:\s+Deployment\/web/, /Pods Status:\s+2 Running/],
  },
  {
    resource: 'ingresses',
    kind: 'Ingress',
    name: () => 'web',
    header: /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/,
    describe: [new RegExp(`web\\.example\\.com\\s*\\n\\s+/\\s+web:80 \\(${ENDPOINT},${ENDPOINT}\\)`)],
  },
  {
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    name: () => 'web',
    header: /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/,
    describe: [/Reference:\s+Deployment\/web/, /Min replicas:\s+2\nMax replicas:\s+5/],
  },
  {
    resource: 'leases',
    kind: 'Lease',
    name: () => found.node!,
    namespace: 'kube-node-lease',
    header: /^NAME\s+HOLDER\s+AGE$/,
    describe: [/Holder Identity:\s+\S+/, /Lease Duration Seconds:\s+\d+/],
  },
  {
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    name: () => `widgets.${GROUP}`,
    header: /^NAME\s+CREATED AT$/,
    describe: [/Kind:\s+CustomResourceDefinition/, /Type:\s+Established/],
  },
  {
    resource: `widgets.${GROUP}`,
    kind: 'Widget',
    name: () => 'w1',
    header: /^NAME\s+SIZE\s+AGE$/,
    describe: [/Kind:\s+Widget/, /Spec:\n\s+Size:\s+3/],
  },
];

describe('kubectl get and describe, every served resource', () => {
  let cluster: TestCluster;
  let kubectl: Kubectl;

  beforeAll(async () => {
    cluster = await startTestCluster({ controllers: true, delays: ZERO_DELAYS });
    namespace = await createNamespace(cluster, 'kubectl-get');
    kubectl = await kubectlFor(cluster, namespace);
    await kubectl('apply', '-f', join(import.meta.dirname, 'fixtures/kubectl-app.yaml'));
    await applyCustomResource();
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
    const [pod] = (await cluster.core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
    found.pod = pod!.metadata!.name!;
    found.node = pod!.spec!.nodeName!;
    found.replicaSet = pod!.metadata!.ownerReferences![0]!.name;
    found.event = await waitFor('an event', async () => {
      const events = await cluster.core.listNamespacedEvent({ namespace });
      return events.items[0]?.metadata?.name;
    });
    found.slice = await waitFor('both pods in the Service endpoint slice', async () => {
      const slices = await cluster.kubeConfig.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
        namespace,
        labelSelector: 'kubernetes.io/service-name=web',
      });
      return slices.items.find((slice) => (slice.endpoints ?? []).length === 2)?.metadata?.name;
    });
  }, 60_000);
  afterAll(async () => {
    await cluster.kubeConfig
      .makeApiClient(ApiextensionsV1Api)
      .deleteCustomResourceDefinition({ name: `widgets.${GROUP}` })
      .catch(() => undefined);
    await cluster.stop();
  });

  async function applyCustomResource(): Promise<void> {
    const crds = cluster.kubeConfig.makeApiClient(ApiextensionsV1Api);
    await crds.createCustomResourceDefinition({
      body: {
        metadata: { name: `widgets.${GROUP}` },
        spec: {
          group: GROUP,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
                },
              },
              additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
            },
          ],
        },
      },
    });
    // Established, then served: kubectl finds the new resource once discovery lists it.
    await waitFor('kubectl to create a Widget', () =>
      kubectl.withInput(
        `apiVersion: ${GROUP}/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n`,
        'apply',
        '-f',
        '-',
      ),
    );
  }

  const flags = (c: Case) => (c.namespace ? ['-n', c.namespace] : []);

  it.each(CASES.map((c) => [title(c), c] as const))(
    'get %s lists it with kube’s columns, and get -o yaml prints it',
    async (_, c) => {
      const [table, yaml] = await Promise.all([
        kubectl('get', c.resource, ...flags(c)),
        kubectl('get', c.resource, c.name(), '-o', 'yaml', ...flags(c)),
      ]);
      const [header, ...rows] = table.trimEnd().split('\n');
      expect(header).toMatch(c.header);
      // The events table starts with LAST SEEN, not the name.
      if (c.resource !== 'events') expect(rows.some((row) => row.split(/\s+/)[0] === c.name())).toBe(true);
      expect(parse(yaml)).toMatchObject({ kind: c.kind, metadata: { name: c.name() } });
    },
  );

  it.each(CASES.map((c) => [title(c), c] as const))('describe %s', async (_, c) => {
    const text = await kubectl('describe', c.resource, c.name(), ...flags(c));
    expect(text).toMatch(new RegExp(`^Name:\\s+${c.name().replaceAll('.', '\\.')}$`, 'm'));
    // Every lookup describe makes (events, endpoint slices, leases, quotas) is served.
    expect(text).not.toMatch(/<error:|Failed to get|Error from server/);
    for (const pattern of c.describe) expect(text).toMatch(pattern);
  });
});
