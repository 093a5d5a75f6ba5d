import { podCidrFor, validatePool, type PoolSpec } from '@cite/ip-pool';
import type { ClusterState } from './cluster-state';
import type { KubeObject } from './api-types';
import { PLACEHOLDER_CA_CERT } from './namespace-defaults/placeholder-ca';
import { startNamespaceDefaults, type NamespaceDefaultsPublisher } from './namespace-defaults/publisher';
import type { ResourceDefinition } from './registry/resource-definition';
import { namespaces } from './resources/namespaces';
import { leases } from './resources/leases';
import { nodes } from './resources/nodes';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function createIfAbsent(
  state: ClusterState,
  definition: ResourceDefinition,
  namespace: string | undefined,
  object: KubeObject,
): void {
  if (state.registry.find(definition, namespace, object.metadata.name ?? '')) return;
  state.registry.create(definition, namespace, object);
}

/** A Ready node as a kubelet registers it: pod CIDR from the pool, capacity, addresses, node info. */
export function nodeObject(name: string, address: string, podCidr: string, now: Date): KubeObject {
  const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const capacity = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
      },
    },
    spec: { podCIDR: podCidr, podCIDRs: [podCidr] },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [
        ...['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({
          type,
          status: 'False',
          reason: `KubeletHasNo${type}`,
          message: `kubelet has no ${type.toLowerCase()}`,
          lastHeartbeatTime: time,
          lastTransitionTime: time,
        })),
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: time,
          lastTransitionTime: time,
        },
      ],
      addresses: [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: name,
        systemUUID: name,
        bootID: name,
        kernelVersion: '6.1.0',
        osImage: 'local-cluster',
        containerRuntimeVersion: 'local-cluster://1.0.0',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/**
 * What a fresh cluster has: the four system namespaces, the `kubernetes` service at the first service IP, and
 * one node per pool node. Idempotent (create if absent), so a loaded snapshot or the controllers' kubelets may
 * have created them already. Starts the publisher that gives every namespace, these and all later ones, its
 * `kube-root-ca.crt` (with `rootCaCert`, the placeholder when the server has no CA) and `default`
 * ServiceAccount; it runs until the process ends (the returned handle stops it).
 */
export function bootstrapCluster(
  state: ClusterState,
  pool: PoolSpec,
  serverPort: number,
  rootCaCert: string = PLACEHOLDER_CA_CERT,
): NamespaceDefaultsPublisher {
  const publisher = startNamespaceDefaults(state, rootCaCert);
  for (const name of SYSTEM_NAMESPACES)
    createIfAbsent(state, namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  createIfAbsent(state, state.services, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      clusterIP: state.allocator.firstAddress,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: serverPort }],
    },
  });
  const validated = validatePool(pool);
  const now = state.registry.clock();
  for (const node of pool.nodes) {
    createIfAbsent(
      state,
      nodes,
      undefined,
      nodeObject(node.name, node.address, podCidrFor(validated, node.name), now),
    );
    createIfAbsent(state, leases, 'kube-node-lease', nodeLease(state, node.name, now));
  }
  publisher.flush();
  return publisher;
}

/**
 * The node's Lease in kube-node-lease, as its kubelet creates it (`kubectl describe node` shows it). The
 * controllers' kubelets renew it (controllers/nodes/node-lease-controller.ts); without controllers renewTime stays
 * the registration time.
 */
function nodeLease(state: ClusterState, name: string, now: Date): KubeObject {
  const node = state.registry.find(nodes, undefined, name);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: 'kube-node-lease',
      ...(node
        ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }] }
        : {}),
    },
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: 40,
      renewTime: now.toISOString().replace('Z', '000Z'),
    },
  };
}
