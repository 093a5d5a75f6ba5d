/**
 * Zero values as Go's JSON encoding writes them. kube-apiserver decodes every body into Go structs, where a
 * missing number and `0` are the same, and encodes them again with the `json:"…,omitempty"` tags of k8s.io/api:
 * a tagged field that is 0, false, "" or an empty list is left out (`unavailableReplicas` of an available
 * Deployment), an untagged one is always written (`status.replicas` of a ReplicaSet, `restartCount`). Pointer
 * fields (`spec.replicas`, `collisionCount`, `priority`) keep an explicit 0 and are not listed here.
 *
 * Each resource's strategy lists its fields as paths: dotted keys, `[]` after a key for every item of a list.
 * Pure; objects are changed in place.
 */
import { isJsonObject, type JsonObject } from '../api-types';

/** The zero-value rules of one kind. */
export interface ZeroFieldRules {
  /** `omitempty` fields: removed when 0, false, "", null or an empty list. */
  omit: readonly string[];
  /**
   * Fields without `omitempty`: written as their zero when missing or null. Objects on the path before the
   * first list are created (they are Go structs, always encoded); inside list items only existing objects
   * are filled (they may be pointers, e.g. `state.terminated`).
   */
  keep?: Readonly<Record<string, 0 | false>>;
}

/** What to do at one key of an object, and below it. */
interface Rule {
  /** Drop the key when its value is zero. */
  omit: boolean;
  /** Write this zero when the key is missing or null. */
  keep?: 0 | false;
  /** Rules inside the value when it is an object. */
  object?: Tree;
  /** Rules inside each object item when the value is a list. */
  items?: Tree;
  /** Create the value as `{}` when missing, for a `keep` below it (no list crossed on the way). */
  create: boolean;
}

type Tree = Map<string, Rule>;

function ruleAt(tree: Tree, key: string): Rule {
  let rule = tree.get(key);
  if (!rule) {
    rule = { omit: false, create: false };
    tree.set(key, rule);
  }
  return rule;
}

/** Adds one path to the tree: every rule shares the walk down to it (one pass per object, not per path). */
function addPath(tree: Tree, path: string, leaf: (rule: Rule) => void, create: boolean): void {
  const parts = path.split('.');
  let node = tree;
  let crossedList = false;
  parts.forEach((part, index) => {
    const each = part.endsWith('[]');
    const rule = ruleAt(node, each ? part.slice(0, -2) : part);
    if (index === parts.length - 1 && !each) {
      leaf(rule);
      return;
    }
    if (each) {
      crossedList = true;
      node = rule.items ??= new Map();
    } else {
      if (create && !crossedList) rule.create = true;
      node = rule.object ??= new Map();
    }
  });
}

function isZero(value: unknown): boolean {
  return (
    value === 0 ||
    value === false ||
    value === '' ||
    value === null ||
    (Array.isArray(value) && value.length === 0)
  );
}

function apply(tree: Tree, node: JsonObject): void {
  for (const [key, rule] of tree) {
    let value = node[key];
    if (rule.items && Array.isArray(value)) {
      for (const item of value) if (isJsonObject(item)) apply(rule.items, item);
    } else if (rule.object) {
      if (rule.create && (value === undefined || value === null)) node[key] = value = {};
      if (isJsonObject(value)) apply(rule.object, value);
    }
    if (rule.omit && key in node && isZero(value)) delete node[key];
    else if (rule.keep !== undefined && (value === undefined || value === null)) node[key] = rule.keep;
  }
}

/** Compiles `rules` once into the function a strategy runs on every object it stores. */
export function zeroValueNormalizer(rules: ZeroFieldRules): (object: JsonObject) => void {
  const tree: Tree = new Map();
  for (const path of rules.omit) addPath(tree, path, (rule) => (rule.omit = true), false);
  for (const [path, zero] of Object.entries(rules.keep ?? {}))
    addPath(tree, path, (rule) => (rule.keep = zero), true);
  return (object) => apply(tree, object);
}

/** Prefixes every path of `paths` (a pod spec's rules inside a template: `spec.template.spec.`). */
export function under(prefix: string, paths: readonly string[]): string[] {
  return paths.map((path) => `${prefix}.${path}`);
}

const PROBE_FIELDS = [
  'initialDelaySeconds',
  'timeoutSeconds',
  'periodSeconds',
  'successThreshold',
  'failureThreshold',
];

/** core/v1 Container: hostPort, the tty flags, readOnly mounts and the probes' int32 fields. */
const CONTAINER_OMIT = [
  'ports[].hostPort',
  'stdin',
  'stdinOnce',
  'tty',
  'volumeMounts[].readOnly',
  ...['livenessProbe', 'readinessProbe', 'startupProbe'].flatMap((probe) => under(probe, PROBE_FIELDS)),
];

/** core/v1 PodSpec, relative to the spec (a Pod's `spec`, a template's `spec.template.spec`). */
export const POD_SPEC_OMIT: readonly string[] = [
  'hostNetwork',
  'hostPID',
  'hostIPC',
  ...under('containers[]', CONTAINER_OMIT),
  ...under('initContainers[]', CONTAINER_OMIT),
];

const TEMPLATE_OMIT = under('spec.template.spec', POD_SPEC_OMIT);

/** apps/v1 DeploymentSpec and DeploymentStatus (collisionCount is a pointer). */
export const DEPLOYMENT_ZERO_FIELDS: ZeroFieldRules = {
  omit: [
    'spec.minReadySeconds',
    'spec.paused',
    ...TEMPLATE_OMIT,
    ...under('status', [
      'observedGeneration',
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
      'unavailableReplicas',
      'conditions',
    ]),
  ],
};

/** apps/v1 ReplicaSetSpec and ReplicaSetStatus: `status.replicas` has no omitempty. */
export const REPLICASET_ZERO_FIELDS: ZeroFieldRules = {
  omit: [
    'spec.minReadySeconds',
    ...TEMPLATE_OMIT,
    ...under('status', [
      'fullyLabeledReplicas',
      'readyReplicas',
      'availableReplicas',
      'observedGeneration',
      'conditions',
    ]),
  ],
  keep: { 'status.replicas': 0 },
};

const CONTAINER_STATUS_LISTS = ['status.containerStatuses[]', 'status.initContainerStatuses[]'];

/** core/v1 Pod: the spec's flags, and container statuses whose restartCount, ready and exitCode always show. */
export const POD_ZERO_FIELDS: ZeroFieldRules = {
  omit: [
    ...under('spec', POD_SPEC_OMIT),
    'status.conditions',
    ...CONTAINER_STATUS_LISTS.flatMap((list) =>
      under(list, ['state.terminated.signal', 'lastState.terminated.signal']),
    ),
  ],
  keep: Object.fromEntries(
    CONTAINER_STATUS_LISTS.flatMap((list) => [
      [`${list}.restartCount`, 0],
      [`${list}.ready`, false],
      [`${list}.state.terminated.exitCode`, 0],
      [`${list}.lastState.terminated.exitCode`, 0],
    ]),
  ) as Record<string, 0 | false>,
};

/** core/v1 Service: nodePort 0 is "none" (and on NodePort services "allocate one"), as is healthCheckNodePort. */
export const SERVICE_ZERO_FIELDS: ZeroFieldRules = {
  omit: [
    'spec.ports[].nodePort',
    'spec.healthCheckNodePort',
    'spec.publishNotReadyAddresses',
    'status.conditions',
  ],
};

/** core/v1 Node: `unschedulable: false`, image sizes of 0. */
export const NODE_ZERO_FIELDS: ZeroFieldRules = {
  omit: ['spec.unschedulable', 'status.images[].sizeBytes', 'status.conditions'],
};

/** core/v1 Endpoints: empty subsets and empty address or port lists. */
export const ENDPOINTS_ZERO_FIELDS: ZeroFieldRules = {
  omit: ['subsets', ...under('subsets[]', ['addresses', 'notReadyAddresses', 'ports'])],
};

/** autoscaling/v2 HorizontalPodAutoscalerStatus: currentReplicas is omitempty, desiredReplicas is not. */
export const HPA_ZERO_FIELDS: ZeroFieldRules = {
  omit: ['status.currentReplicas', 'status.conditions'],
  keep: { 'status.desiredReplicas': 0 },
};

/** batch/v1 JobStatus counts (the spec's counts are pointers) and the pod template's fields. */
export const JOB_ZERO_FIELDS: ZeroFieldRules = {
  omit: [...TEMPLATE_OMIT, ...under('status', ['active', 'succeeded', 'failed', 'conditions'])],
};

/** batch/v1 CronJob: the job template's pod fields, the active list. */
export const CRONJOB_ZERO_FIELDS: ZeroFieldRules = {
  omit: [...under('spec.jobTemplate', TEMPLATE_OMIT), 'status.active'],
};

/** policy/v1 PodDisruptionBudgetStatus: the four counts have no omitempty, so a fresh PDB shows them as 0. */
export const PDB_ZERO_FIELDS: ZeroFieldRules = {
  omit: ['status.observedGeneration', 'status.conditions'],
  keep: {
    'status.disruptionsAllowed': 0,
    'status.currentHealthy': 0,
    'status.desiredHealthy': 0,
    'status.expectedPods': 0,
  },
};
