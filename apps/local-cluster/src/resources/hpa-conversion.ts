/**
 * HorizontalPodAutoscaler conversion between autoscaling/v1 and the stored autoscaling/v2, as kube-apiserver
 * converts (pkg/apis/autoscaling/v1/conversion.go). v1 has one metric, `targetCPUUtilizationPercentage`
 * (and `currentCPUUtilizationPercentage` in status); whatever else v2 holds travels in annotations, so a v1
 * client that reads an object and writes it back loses nothing:
 *
 * - `autoscaling.alpha.kubernetes.io/metrics`: the metrics other than a CPU utilization target, in v1's shape;
 * - `autoscaling.alpha.kubernetes.io/current-metrics`: status.currentMetrics, in v1's shape;
 * - `autoscaling.alpha.kubernetes.io/conditions`: status.conditions;
 * - `autoscaling.alpha.kubernetes.io/behavior`: spec.behavior as Go marshals kube's internal type (no json
 *   tags, so `ScaleUp`, `StabilizationWindowSeconds`, …; read back ignoring case, as encoding/json does).
 *
 * Pure functions on plain JSON.
 */
import { asArray, asObject, isJsonObject, type JsonObject, type KubeObject } from '../api-types';
import { metricSpecFromV1, metricSpecToV1, metricStatusFromV1, metricStatusToV1 } from './hpa-metrics-v1';

export const HPA_V1 = 'autoscaling/v1';
export const HPA_V2 = 'autoscaling/v2';
export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
/** What v1 implied when no metric is given, and what conversion makes explicit (autoscaling.DefaultCPUUtilization). */
export const DEFAULT_CPU_UTILIZATION = 80;

const ROUND_TRIP_ANNOTATIONS = [
  METRICS_ANNOTATION,
  BEHAVIOR_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  CONDITIONS_ANNOTATION,
];

/** Metadata without the round-trip annotations (an emptied annotations map goes, as Go's omitempty drops it). */
function withoutRoundTrip(metadata: KubeObject['metadata']): KubeObject['metadata'] {
  const annotations = metadata.annotations;
  if (!annotations || !ROUND_TRIP_ANNOTATIONS.some((key) => key in annotations)) return metadata;
  const kept = { ...annotations };
  for (const key of ROUND_TRIP_ANNOTATIONS) delete kept[key];
  const { annotations: _dropped, ...rest } = metadata;
  return Object.keys(kept).length > 0 ? { ...rest, annotations: kept } : rest;
}

function isCpu(metric: JsonObject): boolean {
  return metric.type === 'Resource' && asObject(metric.resource).name === 'cpu';
}

function cpuUtilizationTarget(metric: JsonObject): unknown {
  return asObject(asObject(metric.resource).target).averageUtilization;
}

function cpuUtilizationMetric(averageUtilization: unknown): JsonObject {
  return {
    type: 'Resource',
    resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
  };
}

/** The stored (v2) HorizontalPodAutoscaler as autoscaling/v1 serves it. */
export function hpaToV1(stored: KubeObject): KubeObject {
  const spec = asObject(stored.spec);
  const status = asObject(stored.status);
  const metrics = asArray(spec.metrics).map(asObject);
  const currentMetrics = asArray(status.currentMetrics).map(asObject);
  const conditions = asArray(status.conditions);
  // The first CPU resource metric decides the percentage (kube stops there even if it has no utilization).
  const cpu = metrics.find(isCpu);
  // The last CPU utilization among the current metrics wins (kube's loop does not stop).
  const currentCpu = currentMetrics
    .filter(isCpu)
    .map((metric) => asObject(asObject(metric.resource).current).averageUtilization)
    .filter((value) => value !== undefined)
    .pop();
  const annotations: Record<string, string> = {};
  const others = metrics.filter((metric) => !(isCpu(metric) && cpuUtilizationTarget(metric) !== undefined));
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others.map(metricSpecToV1));
  if (currentMetrics.length > 0)
    annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(currentMetrics.map(metricStatusToV1));
  if (isJsonObject(spec.behavior))
    annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(goBehavior(spec.behavior));
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
  const metadata = withoutRoundTrip(stored.metadata);
  const v1Spec: JsonObject = { scaleTargetRef: spec.scaleTargetRef };
  if (spec.minReplicas !== undefined) v1Spec.minReplicas = spec.minReplicas;
  v1Spec.maxReplicas = spec.maxReplicas ?? 0;
  if (cpu && cpuUtilizationTarget(cpu) !== undefined)
    v1Spec.targetCPUUtilizationPercentage = cpuUtilizationTarget(cpu);
  const v1Status: JsonObject = {};
  if (status.observedGeneration !== undefined) v1Status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime !== undefined) v1Status.lastScaleTime = status.lastScaleTime;
  v1Status.currentReplicas = status.currentReplicas ?? 0;
  v1Status.desiredReplicas = status.desiredReplicas ?? 0;
  if (currentCpu !== undefined) v1Status.currentCPUUtilizationPercentage = currentCpu;
  return {
    ...stored,
    apiVersion: HPA_V1,
    metadata:
      Object.keys(annotations).length > 0
        ? { ...metadata, annotations: { ...metadata.annotations, ...annotations } }
        : metadata,
    spec: v1Spec,
    status: v1Status,
  };
}

/** An annotation's JSON, or undefined when absent or undecodable (kube ignores what it cannot read). */
function annotationJson(object: KubeObject, key: string): unknown {
  const raw = object.metadata.annotations?.[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * An autoscaling/v1 HorizontalPodAutoscaler written by a client, as autoscaling/v2 stores it. An object that
 * already is autoscaling/v2 (a v2 body sent to the v1 path, as kube accepts) is returned as it is.
 */
export function hpaFromV1(written: KubeObject): KubeObject {
  if (written.apiVersion === HPA_V2) return written;
  const spec = asObject(written.spec);
  const status = asObject(written.status);
  const v2Spec: JsonObject = { scaleTargetRef: spec.scaleTargetRef };
  // autoscaling/v1's own default, applied when its body is decoded.
  v2Spec.minReplicas = spec.minReplicas ?? 1;
  v2Spec.maxReplicas = spec.maxReplicas;
  const cpu =
    spec.targetCPUUtilizationPercentage === undefined || spec.targetCPUUtilizationPercentage === null
      ? []
      : [cpuUtilizationMetric(spec.targetCPUUtilizationPercentage)];
  const others = asArray(annotationJson(written, METRICS_ANNOTATION)).filter(isJsonObject);
  // The annotation's metrics come first, the CPU target last, as kube orders them.
  const metrics = [...others.map(metricSpecFromV1), ...cpu];
  v2Spec.metrics = metrics.length > 0 ? metrics : [cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)];
  const behavior = behaviorFromGo(annotationJson(written, BEHAVIOR_ANNOTATION));
  if (behavior) v2Spec.behavior = behavior;
  const v2Status: JsonObject = {};
  if (status.observedGeneration !== undefined) v2Status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime !== undefined) v2Status.lastScaleTime = status.lastScaleTime;
  v2Status.currentReplicas = status.currentReplicas ?? 0;
  v2Status.desiredReplicas = status.desiredReplicas ?? 0;
  const currentMetrics = annotationJson(written, CURRENT_METRICS_ANNOTATION);
  if (Array.isArray(currentMetrics))
    // The annotation has more than the percentage: it wins over status.currentCPUUtilizationPercentage.
    v2Status.currentMetrics = currentMetrics.filter(isJsonObject).map(metricStatusFromV1);
  else if (status.currentCPUUtilizationPercentage !== undefined)
    v2Status.currentMetrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } },
      },
    ];
  const conditions = annotationJson(written, CONDITIONS_ANNOTATION);
  if (Array.isArray(conditions)) v2Status.conditions = conditions;
  const result: KubeObject = {
    ...written,
    apiVersion: HPA_V2,
    metadata: withoutRoundTrip(written.metadata),
    spec: v2Spec,
  };
  if (written.status !== undefined) result.status = v2Status;
  return result;
}

const RULE_FIELDS = ['stabilizationWindowSeconds', 'selectPolicy', 'policies'] as const;
const POLICY_FIELDS = ['type', 'value', 'periodSeconds'] as const;
const goName = (field: string) => field.charAt(0).toUpperCase() + field.slice(1);

/** spec.behavior as json.Marshal writes kube's internal type: Go field names, nil as null. */
function goBehavior(behavior: JsonObject): JsonObject {
  const rules = (value: unknown) => {
    if (!isJsonObject(value)) return null;
    const result: JsonObject = {};
    for (const field of RULE_FIELDS) {
      const item = value[field];
      result[goName(field)] =
        field === 'policies' && Array.isArray(item)
          ? item.map((policy) =>
              Object.fromEntries(POLICY_FIELDS.map((key) => [goName(key), asObject(policy)[key] ?? null])),
            )
          : (item ?? null);
    }
    return result;
  };
  return { ScaleUp: rules(behavior.scaleUp), ScaleDown: rules(behavior.scaleDown) };
}

/** A field of a Go-marshalled object, matched as encoding/json matches keys: exactly, else ignoring case. */
function goField(object: JsonObject, name: string): unknown {
  if (name in object) return object[name];
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

/** The behavior annotation back in v2's shape; undefined when it is unreadable or empty (kube then drops it). */
function behaviorFromGo(value: unknown): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const rules = (raw: unknown): JsonObject | undefined => {
    if (!isJsonObject(raw)) return undefined;
    const result: JsonObject = {};
    for (const field of RULE_FIELDS) {
      const item = goField(raw, field);
      if (item === undefined || item === null) continue;
      result[field] =
        field === 'policies'
          ? asArray(item).map((policy) =>
              Object.fromEntries(POLICY_FIELDS.map((key) => [key, goField(asObject(policy), key)])),
            )
          : item;
    }
    return result;
  };
  const behavior: JsonObject = {};
  const up = rules(goField(value, 'scaleUp'));
  const down = rules(goField(value, 'scaleDown'));
  if (up) behavior.scaleUp = up;
  if (down) behavior.scaleDown = down;
  return Object.keys(behavior).length > 0 ? behavior : undefined;
}
