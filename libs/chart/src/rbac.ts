/**
 * The Kubernetes permissions cite's code needs, each rule with the calls that need it. `rbac.spec.ts` reads the
 * code's calls and fails when one has no rule here, or when a rule here serves no call.
 */
export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export const RULES: Rule[] = [
  // The deployer: team namespaces, and each service's Deployment, Service and Ingress (server-side apply, delete).
  // Server-side apply: patch, and create for an object not there yet; nothing reads them back with a GET.
  { apiGroups: [''], resources: ['namespaces'], verbs: ['create', 'patch', 'delete'] },
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
  },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses'],
    verbs: ['list', 'watch', 'create', 'patch', 'delete'],
  },
  // Rollout tracking, status, the watcher's informers, the live log tail and the shipper, health checks.
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['pods/log', 'pods/proxy'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list', 'delete'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list', 'create'] },
  { apiGroups: [''], resources: ['endpoints', 'nodes'], verbs: ['list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
];
