/**
 * autoscaling/v1's metric shapes, which only its round-trip annotations use: kube's v1 package keeps the
 * v2beta1-style MetricSpec and MetricStatus (`targetAverageValue`, `metricName`, …) to carry the metrics v1
 * cannot express. Conversions to and from autoscaling/v2's shapes, field for field as kube's
 * pkg/apis/autoscaling/v1/conversion.go does; keys are written in Go's struct order, absent optional fields
 * are left out and non-pointer quantities default to "0", as encoding/json writes them.
 */
import { asObject, type JsonObject } from '../api-types';

/** An object of the entries whose value is defined, in the order given. */
function defined(entries: [string, unknown][]): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of entries) if (value !== undefined && value !== null) result[key] = value;
  return result;
}

/** A non-pointer resource.Quantity: Go writes its zero value as "0". */
const quantity = (value: unknown): unknown => value ?? '0';

function reference(value: unknown): JsonObject {
  const ref = asObject(value);
  return defined([
    ['kind', ref.kind ?? ''],
    ['name', ref.name ?? ''],
    ['apiVersion', ref.apiVersion === '' ? undefined : ref.apiVersion],
  ]);
}

/** The five metric sources of a MetricSpec or MetricStatus, those present. */
function sources(
  metric: JsonObject,
): Record<'object' | 'pods' | 'resource' | 'container' | 'external', JsonObject | undefined> {
  const present = (value: unknown) => (value === undefined || value === null ? undefined : asObject(value));
  return {
    object: present(metric.object),
    pods: present(metric.pods),
    resource: present(metric.resource),
    container: present(metric.containerResource),
    external: present(metric.external),
  };
}

/** A v2 MetricSpec (the round-trip annotation's entries) as autoscaling/v1 writes it. */
export function metricSpecToV1(metric: JsonObject): JsonObject {
  const { object, pods, resource, container, external } = sources(metric);
  const target = (source: JsonObject) => asObject(source.target);
  const id = (source: JsonObject) => asObject(source.metric);
  return defined([
    ['type', metric.type ?? ''],
    [
      'object',
      object &&
        defined([
          ['target', reference(object.describedObject)],
          ['metricName', id(object).name ?? ''],
          ['targetValue', quantity(target(object).value)],
          ['selector', id(object).selector],
          ['averageValue', target(object).averageValue],
        ]),
    ],
    [
      'pods',
      pods &&
        defined([
          ['metricName', id(pods).name ?? ''],
          ['targetAverageValue', quantity(target(pods).averageValue)],
          ['selector', id(pods).selector],
        ]),
    ],
    ['resource', resource && resourceSourceToV1(resource)],
    [
      'containerResource',
      container && { ...resourceSourceToV1(container), container: container.container ?? '' },
    ],
    [
      'external',
      external &&
        defined([
          ['metricName', id(external).name ?? ''],
          ['metricSelector', id(external).selector],
          ['targetValue', target(external).value],
          ['targetAverageValue', target(external).averageValue],
        ]),
    ],
  ]);
}

function resourceSourceToV1(source: JsonObject): JsonObject {
  const target = asObject(source.target);
  return defined([
    ['name', source.name ?? ''],
    ['targetAverageUtilization', target.averageUtilization],
    ['targetAverageValue', target.averageValue],
  ]);
}

/** An autoscaling/v1 MetricSpec (from the round-trip annotation) as autoscaling/v2 stores it. */
export function metricSpecFromV1(metric: JsonObject): JsonObject {
  const { object, pods, resource, container, external } = sources(metric);
  const id = (name: unknown, selector: unknown) =>
    defined([
      ['name', name ?? ''],
      ['selector', selector],
    ]);
  return defined([
    ['type', metric.type ?? ''],
    [
      'object',
      object && {
        describedObject: reference(object.target),
        target: defined([
          ['type', object.averageValue === undefined ? 'Value' : 'AverageValue'],
          // kube keeps the value even for an AverageValue target (`Value: &in.TargetValue`).
          ['value', quantity(object.targetValue)],
          ['averageValue', object.averageValue],
        ]),
        metric: id(object.metricName, object.selector),
      },
    ],
    [
      'pods',
      pods && {
        metric: id(pods.metricName, pods.selector),
        target: { type: 'AverageValue', averageValue: quantity(pods.targetAverageValue) },
      },
    ],
    ['resource', resource && resourceSourceFromV1(resource)],
    [
      'containerResource',
      container && { ...resourceSourceFromV1(container), container: container.container ?? '' },
    ],
    [
      'external',
      external && {
        metric: id(external.metricName, external.metricSelector),
        target: defined([
          ['type', external.targetValue === undefined ? 'AverageValue' : 'Value'],
          ['value', external.targetValue],
          ['averageValue', external.targetAverageValue],
        ]),
      },
    ],
  ]);
}

function resourceSourceFromV1(source: JsonObject): JsonObject {
  return {
    name: source.name ?? '',
    target: defined([
      ['type', source.targetAverageUtilization === undefined ? 'AverageValue' : 'Utilization'],
      ['averageValue', source.targetAverageValue],
      ['averageUtilization', source.targetAverageUtilization],
    ]),
  };
}

/** A v2 MetricStatus (status.currentMetrics) as autoscaling/v1's current-metrics annotation holds it. */
export function metricStatusToV1(metric: JsonObject): JsonObject {
  const { object, pods, resource, container, external } = sources(metric);
  const current = (source: JsonObject) => asObject(source.current);
  const id = (source: JsonObject) => asObject(source.metric);
  return defined([
    ['type', metric.type ?? ''],
    [
      'object',
      object &&
        defined([
          ['target', reference(object.describedObject)],
          ['metricName', id(object).name ?? ''],
          ['currentValue', quantity(current(object).value)],
          ['selector', id(object).selector],
          ['averageValue', current(object).averageValue],
        ]),
    ],
    [
      'pods',
      pods &&
        defined([
          ['metricName', id(pods).name ?? ''],
          ['currentAverageValue', quantity(current(pods).averageValue)],
          ['selector', id(pods).selector],
        ]),
    ],
    ['resource', resource && resourceStatusToV1(resource)],
    [
      'containerResource',
      container && { ...resourceStatusToV1(container), container: container.container ?? '' },
    ],
    [
      'external',
      external &&
        defined([
          ['metricName', id(external).name ?? ''],
          ['metricSelector', id(external).selector],
          ['currentValue', quantity(current(external).value)],
          ['currentAverageValue', current(external).averageValue],
        ]),
    ],
  ]);
}

function resourceStatusToV1(source: JsonObject): JsonObject {
  const current = asObject(source.current);
  return defined([
    ['name', source.name ?? ''],
    ['currentAverageUtilization', current.averageUtilization],
    ['currentAverageValue', quantity(current.averageValue)],
  ]);
}

/** An autoscaling/v1 MetricStatus (from the current-metrics annotation) as autoscaling/v2 stores it. */
export function metricStatusFromV1(metric: JsonObject): JsonObject {
  const { object, pods, resource, container, external } = sources(metric);
  const id = (name: unknown, selector: unknown) =>
    defined([
      ['name', name ?? ''],
      ['selector', selector],
    ]);
  return defined([
    ['type', metric.type ?? ''],
    [
      'object',
      object && {
        metric: id(object.metricName, object.selector),
        current: defined([
          ['value', quantity(object.currentValue)],
          ['averageValue', object.averageValue],
        ]),
        describedObject: reference(object.target),
      },
    ],
    [
      'pods',
      pods && {
        metric: id(pods.metricName, pods.selector),
        current: { averageValue: quantity(pods.currentAverageValue) },
      },
    ],
    ['resource', resource && resourceStatusFromV1(resource)],
    [
      'containerResource',
      container && { ...resourceStatusFromV1(container), container: container.container ?? '' },
    ],
    [
      'external',
      external && {
        metric: id(external.metricName, external.metricSelector),
        current: defined([
          ['value', quantity(external.currentValue)],
          ['averageValue', external.currentAverageValue],
        ]),
      },
    ],
  ]);
}

function resourceStatusFromV1(source: JsonObject): JsonObject {
  return {
    name: source.name ?? '',
    current: defined([
      ['averageValue', quantity(source.currentAverageValue)],
      ['averageUtilization', source.currentAverageUtilization],
    ]),
  };
}
