import { asObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { validateLabelSelector } from '../validation/label-selector';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';
import { PDB_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';

const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];
const PERCENT = /^[0-9]+%$/;

/** Go's %#v of an intstr.IntOrString, as kube prints a bad one. */
function goIntOrString(value: unknown): string {
  return typeof value === 'string'
    ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(value)}}`
    : `intstr.IntOrString{Type:0, IntVal:${String(value)}, StrVal:""}`;
}

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent (apps validation). */
export function intOrPercentErrors(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    if (!PERCENT.test(value))
      return [
        {
          ...fieldError.invalid(
            path,
            value,
            "a valid percent string must be a numeric string followed by an ending '%'",
          ),
          shownAs: goIntOrString(value),
        },
      ];
    return Number(value.slice(0, -1)) > 100
      ? [
          {
            ...fieldError.invalid(path, value, 'must not be greater than 100%'),
            shownAs: goIntOrString(value),
          },
        ]
      : [];
  }
  if (typeof value !== 'number' || !Number.isInteger(value))
    return [fieldError.invalid(path, value, "must be an integer or percentage (e.g '5%')")];
  return value < 0 ? [fieldError.invalid(path, value, 'must be greater than or equal to 0')] : [];
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** ValidatePodDisruptionBudgetSpec: minAvailable xor maxUnavailable, each an int or a percent; the selector. */
export function validatePdb(pdb: KubeObject): FieldError[] {
  const spec = asObject(pdb.spec);
  const errors: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable))
    errors.push(fieldError.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  errors.push(...intOrPercentErrors(spec.minAvailable, 'spec.minAvailable'));
  errors.push(...intOrPercentErrors(spec.maxUnavailable, 'spec.maxUnavailable'));
  errors.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !UNHEALTHY_POD_EVICTION_POLICIES.includes(String(policy)))
    errors.push(
      fieldError.notSupported('spec.unhealthyPodEvictionPolicy', policy, UNHEALTHY_POD_EVICTION_POLICIES),
    );
  return errors;
}

/** IntOrString.String(): the number, or the percent string; N/A when unset (kube's printer). */
function intOrString(value: unknown): string {
  return isSet(value) ? String(value) : 'N/A';
}

/**
 * policy/v1 poddisruptionbudgets: stored and validated; no disruption controller, so the status keeps kube's
 * zero counts (the eviction subresource does not consult budgets either).
 */
export const podDisruptionBudgets = defineResource({
  group: 'policy',
  version: 'v1',
  resource: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  namespaced: true,
  shortNames: ['pdb'],
  subresources: ['status'],
  columns: [
    nameColumn,
    column('Min Available', (pdb) => intOrString(asObject(pdb.spec).minAvailable)),
    column('Max Unavailable', (pdb) => intOrString(asObject(pdb.spec).maxUnavailable)),
    column('Allowed Disruptions', (pdb) => Number(asObject(pdb.status).disruptionsAllowed ?? 0), 'integer'),
    ageColumn,
  ],
  strategy: strategy({
    statusSubresource: true,
    tracksGeneration: true,
    normalizeZeroValues: zeroValueNormalizer(PDB_ZERO_FIELDS),
    prepareForCreate(pdb) {
      pdb.status = {};
    },
    validate: validatePdb,
  }),
});
