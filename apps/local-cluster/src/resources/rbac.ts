import { dns1123SubdomainErrors } from '@cite/model';
import { asArray, asObject, isJsonObject, type JsonObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import type { TableColumn } from '../registry/resource-definition';
import { validateLabelSelector } from '../validation/label-selector';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';

/**
 * rbac.authorization.k8s.io/v1: Roles, RoleBindings, ClusterRoles and ClusterRoleBindings, stored, defaulted
 * and validated as kube-apiserver does (pkg/apis/rbac/validation). Nothing is authorized with them: the
 * emulator authenticates requests but does not authorize them.
 */

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

/** ValidateRBACName: path.IsValidPathSegmentName (`system:controller:x` is a valid role name). */
export function rbacNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errors: string[] = [];
  for (const illegal of ['/', '%']) if (name.includes(illegal)) errors.push(`may not contain '${illegal}'`);
  return errors;
}

/** ValidatePolicyRule: verbs always; resource rules name groups and resources; URLs only in cluster roles. */
export function validatePolicyRule(rule: unknown, namespaced: boolean, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const value = asObject(rule);
  if (asArray(value.verbs).length === 0)
    errors.push(fieldError.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = asArray(value.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced)
      errors.push(
        fieldError.invalid(
          `${path}.nonResourceURLs`,
          urls,
          'namespaced rules cannot apply to non-resource URLs',
        ),
      );
    if (
      asArray(value.apiGroups).length > 0 ||
      asArray(value.resources).length > 0 ||
      asArray(value.resourceNames).length > 0
    )
      errors.push(
        fieldError.invalid(
          `${path}.nonResourceURLs`,
          urls,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    return errors;
  }
  if (asArray(value.apiGroups).length === 0)
    errors.push(
      fieldError.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'),
    );
  if (asArray(value.resources).length === 0)
    errors.push(fieldError.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errors;
}

function validateRules(role: KubeObject, namespaced: boolean): FieldError[] {
  return asArray(role.rules).flatMap((rule, index) =>
    validatePolicyRule(rule, namespaced, `rules[${index}]`),
  );
}

function validateClusterRole(role: KubeObject): FieldError[] {
  const errors = validateRules(role, false);
  if (role.aggregationRule !== undefined && role.aggregationRule !== null) {
    const selectors = asArray(asObject(role.aggregationRule).clusterRoleSelectors);
    if (selectors.length === 0)
      errors.push(
        fieldError.required(
          'aggregationRule.clusterRoleSelectors',
          'at least one clusterRoleSelector required if aggregationRule is non-nil',
        ),
      );
    selectors.forEach((selector, index) =>
      errors.push(...validateLabelSelector(selector, `aggregationRule.clusterRoleSelectors[${index}]`)),
    );
  }
  return errors;
}

/** ValidateRoleBindingSubject: a known kind with its api group; cluster bindings' service accounts name a namespace. */
export function validateSubject(subject: unknown, namespaced: boolean, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const value = asObject(subject);
  const name = typeof value.name === 'string' ? value.name : '';
  const apiGroup = typeof value.apiGroup === 'string' ? value.apiGroup : '';
  if (!name) errors.push(fieldError.required(`${path}.name`));
  switch (value.kind) {
    case 'ServiceAccount':
      if (name)
        for (const message of dns1123SubdomainErrors(name))
          errors.push(fieldError.invalid(`${path}.name`, name, message));
      if (apiGroup) errors.push(fieldError.notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !value.namespace) errors.push(fieldError.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP)
        errors.push(fieldError.notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errors.push(fieldError.notSupported(`${path}.kind`, value.kind ?? '', SUBJECT_KINDS));
  }
  return errors;
}

function validateBinding(binding: KubeObject, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const roleRef = asObject(binding.roleRef);
  const apiGroup = roleRef.apiGroup ?? '';
  if (apiGroup !== RBAC_GROUP)
    errors.push(fieldError.notSupported('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(String(roleRef.kind)))
    errors.push(fieldError.notSupported('roleRef.kind', roleRef.kind ?? '', kinds));
  const name = typeof roleRef.name === 'string' ? roleRef.name : '';
  if (!name) errors.push(fieldError.required('roleRef.name'));
  else
    for (const message of rbacNameErrors(name))
      errors.push(fieldError.invalid('roleRef.name', name, message));
  asArray(binding.subjects).forEach((subject, index) =>
    errors.push(...validateSubject(subject, namespaced, `subjects[${index}]`)),
  );
  return errors;
}

/** `rbac.RoleRef{APIGroup:"…", Kind:"…", Name:"…"}`: how kube prints the changed roleRef (Go's %#v). */
function goRoleRef(roleRef: JsonObject): string {
  const text = (key: string) => JSON.stringify(typeof roleRef[key] === 'string' ? roleRef[key] : '');
  return `rbac.RoleRef{APIGroup:${text('apiGroup')}, Kind:${text('kind')}, Name:${text('name')}}`;
}

/** ValidateRoleBindingUpdate: the binding rules, and roleRef may not change (delete and recreate instead). */
function validateBindingUpdate(binding: KubeObject, previous: KubeObject, namespaced: boolean): FieldError[] {
  const errors = validateBinding(binding, namespaced);
  const roleRef = asObject(binding.roleRef);
  const before = asObject(previous.roleRef);
  if (['apiGroup', 'kind', 'name'].some((key) => (roleRef[key] ?? '') !== (before[key] ?? '')))
    errors.push({
      ...fieldError.invalid('roleRef', roleRef, 'cannot change roleRef'),
      shownAs: goRoleRef(roleRef),
    });
  return errors;
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject: the RBAC api group where it was left out. */
function defaultBinding(binding: KubeObject): void {
  // roleRef is a struct in Go, so it is there (empty) to be defaulted even when the body leaves it out.
  const roleRef = asObject(binding.roleRef);
  binding.roleRef = roleRef;
  roleRef.apiGroup ||= RBAC_GROUP;
  for (const subject of asArray(binding.subjects)) {
    if (!isJsonObject(subject) || subject.apiGroup) continue;
    if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
}

/** kube's CREATED AT column of roles and cluster roles (RFC 3339, UTC). */
const createdAtColumn: TableColumn = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (object) => object.metadata.creationTimestamp,
};

/** rbac.SubjectsStrings: users, groups and service accounts (`namespace/name`) of a binding. */
function subjectsOf(binding: KubeObject, kind: string): string {
  return asArray(binding.subjects)
    .map(asObject)
    .filter((subject) => subject.kind === kind)
    .map((subject) =>
      kind === 'ServiceAccount'
        ? `${String(subject.namespace ?? '')}/${String(subject.name ?? '')}`
        : String(subject.name ?? ''),
    )
    .join(', ');
}

const bindingColumns: TableColumn[] = [
  nameColumn,
  column(
    'Role',
    (binding) =>
      `${String(asObject(binding.roleRef).kind ?? '')}/${String(asObject(binding.roleRef).name ?? '')}`,
  ),
  ageColumn,
  column('Users', (binding) => subjectsOf(binding, 'User'), 'string', 1),
  column('Groups', (binding) => subjectsOf(binding, 'Group'), 'string', 1),
  column('ServiceAccounts', (binding) => subjectsOf(binding, 'ServiceAccount'), 'string', 1),
];

const base = { group: RBAC_GROUP, version: 'v1' };

export const roles = defineResource({
  ...base,
  resource: 'roles',
  kind: 'Role',
  namespaced: true,
  columns: [nameColumn, createdAtColumn],
  strategy: strategy({ nameErrors: rbacNameErrors, validate: (role) => validateRules(role, true) }),
});

export const roleBindings = defineResource({
  ...base,
  resource: 'rolebindings',
  kind: 'RoleBinding',
  namespaced: true,
  columns: bindingColumns,
  strategy: strategy({
    nameErrors: rbacNameErrors,
    prepareForCreate: defaultBinding,
    prepareForUpdate: defaultBinding,
    validate: (binding) => validateBinding(binding, true),
    validateUpdate: (binding, previous) => validateBindingUpdate(binding, previous, true),
  }),
});

export const clusterRoles = defineResource({
  ...base,
  resource: 'clusterroles',
  kind: 'ClusterRole',
  namespaced: false,
  columns: [nameColumn, createdAtColumn],
  strategy: strategy({ nameErrors: rbacNameErrors, validate: validateClusterRole }),
});

export const clusterRoleBindings = defineResource({
  ...base,
  resource: 'clusterrolebindings',
  kind: 'ClusterRoleBinding',
  namespaced: false,
  columns: bindingColumns,
  strategy: strategy({
    nameErrors: rbacNameErrors,
    prepareForCreate: defaultBinding,
    prepareForUpdate: defaultBinding,
    validate: (binding) => validateBinding(binding, false),
    validateUpdate: (binding, previous) => validateBindingUpdate(binding, previous, false),
  }),
});
