/**
 * Field numbers of the Kubernetes protobuf messages (k8s.io/api generated.proto) for the objects kubectl's
 * typed clients create: `kubectl create deployment|namespace|configmap|secret|service|serviceaccount|ingress`,
 * and `kubectl autoscale` (an autoscaling/v1 HorizontalPodAutoscaler; the messages are v1's).
 * Fields not listed are dropped when decoding.
 */
export type Scalar = 'string' | 'int' | 'bool' | 'bytes' | 'quantity' | 'intOrString' | 'time';

export interface FieldSpec {
  name: string;
  type: Scalar | { message: string } | { map: Scalar };
  repeated?: boolean;
  /** A pointer field in Go: a zero value is meaningful (replicas: 0). */
  keepZero?: boolean;
  /** An embedded Go struct: its fields belong to the parent in JSON. */
  inline?: boolean;
}

type Message = Record<number, FieldSpec>;

const s = (name: string): FieldSpec => ({ name, type: 'string' });
const i = (name: string, keepZero = false): FieldSpec => ({ name, type: 'int', keepZero });
const b = (name: string): FieldSpec => ({ name, type: 'bool' });
const m = (name: string, message: string, repeated = false): FieldSpec => ({
  name,
  type: { message },
  repeated,
});
const strings = (name: string): FieldSpec => ({ name, type: 'string', repeated: true });
const map = (name: string, value: Scalar = 'string'): FieldSpec => ({ name, type: { map: value } });

export const MESSAGES: Record<string, Message> = {
  ObjectMeta: {
    1: s('name'),
    2: s('generateName'),
    3: s('namespace'),
    5: s('uid'),
    6: s('resourceVersion'),
    7: i('generation'),
    8: { name: 'creationTimestamp', type: 'time' },
    9: { name: 'deletionTimestamp', type: 'time' },
    10: i('deletionGracePeriodSeconds', true),
    11: map('labels'),
    12: map('annotations'),
    13: m('ownerReferences', 'OwnerReference', true),
    14: strings('finalizers'),
  },
  OwnerReference: {
    1: s('kind'),
    3: s('name'),
    4: s('uid'),
    5: s('apiVersion'),
    6: b('controller'),
    7: b('blockOwnerDeletion'),
  },
  LabelSelector: { 1: map('matchLabels'), 2: m('matchExpressions', 'LabelSelectorRequirement', true) },
  LabelSelectorRequirement: { 1: s('key'), 2: s('operator'), 3: strings('values') },
  Deployment: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'DeploymentSpec') },
  DeploymentSpec: {
    1: i('replicas', true),
    2: m('selector', 'LabelSelector'),
    3: m('template', 'PodTemplateSpec'),
    4: m('strategy', 'DeploymentStrategy'),
    5: i('minReadySeconds'),
    6: i('revisionHistoryLimit', true),
    7: b('paused'),
    9: i('progressDeadlineSeconds', true),
  },
  DeploymentStrategy: { 1: s('type'), 2: m('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: {
    1: { name: 'maxUnavailable', type: 'intOrString' },
    2: { name: 'maxSurge', type: 'intOrString' },
  },
  PodTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec') },
  Pod: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec') },
  PodSpec: {
    2: m('containers', 'Container', true),
    3: s('restartPolicy'),
    4: i('terminationGracePeriodSeconds', true),
    5: i('activeDeadlineSeconds', true),
    6: s('dnsPolicy'),
    7: map('nodeSelector'),
    8: s('serviceAccountName'),
    9: s('serviceAccount'),
    10: s('nodeName'),
    11: b('hostNetwork'),
    15: m('imagePullSecrets', 'LocalObjectReference', true),
    16: s('hostname'),
    17: s('subdomain'),
    19: s('schedulerName'),
    20: m('initContainers', 'Container', true),
    22: m('tolerations', 'Toleration', true),
  },
  LocalObjectReference: { 1: s('name') },
  Toleration: {
    1: s('key'),
    2: s('operator'),
    3: s('value'),
    4: s('effect'),
    5: i('tolerationSeconds', true),
  },
  Container: {
    1: s('name'),
    2: s('image'),
    3: strings('command'),
    4: strings('args'),
    5: s('workingDir'),
    6: m('ports', 'ContainerPort', true),
    7: m('env', 'EnvVar', true),
    8: m('resources', 'ResourceRequirements'),
    9: m('volumeMounts', 'VolumeMount', true),
    13: s('terminationMessagePath'),
    14: s('imagePullPolicy'),
    16: b('stdin'),
    17: b('stdinOnce'),
    18: b('tty'),
    20: s('terminationMessagePolicy'),
  },
  ContainerPort: { 1: s('name'), 2: i('hostPort'), 3: i('containerPort'), 4: s('protocol'), 5: s('hostIP') },
  EnvVar: { 1: s('name'), 2: s('value') },
  VolumeMount: { 1: s('name'), 2: b('readOnly'), 3: s('mountPath'), 4: s('subPath') },
  ResourceRequirements: { 1: map('limits', 'quantity'), 2: map('requests', 'quantity') },
  Namespace: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'NamespaceSpec') },
  NamespaceSpec: { 1: strings('finalizers') },
  ConfigMap: {
    1: m('metadata', 'ObjectMeta'),
    2: map('data'),
    3: map('binaryData', 'bytes'),
    4: b('immutable'),
  },
  Secret: {
    1: m('metadata', 'ObjectMeta'),
    2: map('data', 'bytes'),
    3: s('type'),
    4: map('stringData'),
    5: b('immutable'),
  },
  ServiceAccount: { 1: m('metadata', 'ObjectMeta'), 3: m('imagePullSecrets', 'LocalObjectReference', true) },
  Service: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ServiceSpec') },
  ServiceSpec: {
    1: m('ports', 'ServicePort', true),
    2: map('selector'),
    3: s('clusterIP'),
    4: s('type'),
    5: strings('externalIPs'),
    7: s('sessionAffinity'),
    8: s('loadBalancerIP'),
    10: s('externalName'),
  },
  ServicePort: {
    1: s('name'),
    2: s('protocol'),
    3: i('port'),
    4: { name: 'targetPort', type: 'intOrString' },
    5: i('nodePort'),
  },
  Ingress: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'IngressSpec') },
  IngressSpec: {
    1: m('defaultBackend', 'IngressBackend'),
    2: m('tls', 'IngressTLS', true),
    3: m('rules', 'IngressRule', true),
    4: s('ingressClassName'),
  },
  IngressTLS: { 1: strings('hosts'), 2: s('secretName') },
  IngressRule: {
    1: s('host'),
    2: { name: 'ingressRuleValue', type: { message: 'IngressRuleValue' }, inline: true },
  },
  IngressRuleValue: { 1: m('http', 'HTTPIngressRuleValue') },
  HTTPIngressRuleValue: { 1: m('paths', 'HTTPIngressPath', true) },
  HTTPIngressPath: { 1: s('path'), 2: m('backend', 'IngressBackend'), 3: s('pathType') },
  IngressBackend: { 4: m('service', 'IngressServiceBackend') },
  IngressServiceBackend: { 1: s('name'), 2: m('port', 'ServiceBackendPort') },
  ServiceBackendPort: { 1: s('name'), 2: i('number') },
  HorizontalPodAutoscaler: {
    1: m('metadata', 'ObjectMeta'),
    2: m('spec', 'HorizontalPodAutoscalerSpec'),
  },
  HorizontalPodAutoscalerSpec: {
    1: m('scaleTargetRef', 'CrossVersionObjectReference'),
    2: i('minReplicas', true),
    3: i('maxReplicas', true),
    4: i('targetCPUUtilizationPercentage', true),
  },
  CrossVersionObjectReference: { 1: s('kind'), 2: s('name'), 3: s('apiVersion') },
};

/** Root message of each kind kubectl sends as protobuf. */
export const ROOT_KINDS = [
  'Deployment',
  'Pod',
  'Namespace',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Service',
  'Ingress',
  'HorizontalPodAutoscaler',
];
