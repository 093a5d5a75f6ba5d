/**
 * Kubernetes API errors as `Status` objects (k8s.io/apimachinery/pkg/api/errors): the reason, the code and the
 * message wording kube-apiserver uses, so clients that branch on them behave as against a real cluster.
 */

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
  /** For NotSupported: the values that are. */
  supported?: string[];
  /** The value as kube prints it when that is not its JSON (a Go struct: `rbac.RoleRef{…}`). */
  shownAs?: string;
}

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A failed request; the HTTP layer writes `status` with `status.code`. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
    this.name = 'StatusError';
  }
  get code(): number {
    return this.status.code;
  }
}

export interface ResourceRef {
  /** API group; '' for core. */
  group: string;
  /** Plural resource name, e.g. `deployments`. */
  resource: string;
  kind?: string;
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

/** `deployments.apps` or `pods`: how kube names a group-resource in messages. */
export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

/** `Deployment.apps`: how kube names a group-kind in Invalid messages. */
function qualifiedKind(ref: ResourceRef): string {
  const kind = ref.kind ?? ref.resource;
  return ref.group ? `${kind}.${ref.group}` : kind;
}

export function notFound(ref: ResourceRef, name: string): StatusError {
  return failure(404, 'NotFound', `${qualifiedResource(ref)} "${name}" not found`, {
    name,
    group: ref.group || undefined,
    kind: ref.resource,
  });
}

export function alreadyExists(ref: ResourceRef, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${qualifiedResource(ref)} "${name}" already exists`, {
    name,
    group: ref.group || undefined,
    kind: ref.resource,
  });
}

export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(
  ref: ResourceRef,
  name: string,
  detail: string = OPTIMISTIC_LOCK_MESSAGE,
): StatusError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${detail}`,
    {
      name,
      group: ref.group || undefined,
      kind: ref.resource,
    },
  );
}

export function invalid(ref: ResourceRef, name: string, errors: FieldError[]): StatusError {
  const causes = errors.map((error) => ({
    reason: error.type,
    message: fieldErrorBody(error),
    field: error.field,
  }));
  const summary = errors.map((error) => `${error.field}: ${fieldErrorBody(error)}`);
  const joined = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  return failure(422, 'Invalid', `${qualifiedKind(ref)} "${name}" is invalid: ${joined}`, {
    name,
    group: ref.group || undefined,
    kind: ref.kind ?? ref.resource,
    causes,
  });
}

export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

export function unauthorized(): StatusError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(ref: ResourceRef, name: string, detail: string): StatusError {
  return failure(403, 'Forbidden', `${qualifiedResource(ref)} "${name}" is forbidden: ${detail}`, {
    name,
    group: ref.group || undefined,
    kind: ref.resource,
  });
}

export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): StatusError {
  return failure(405, 'MethodNotAllowed', message);
}

export function notAcceptable(message: string): StatusError {
  return failure(406, 'NotAcceptable', message);
}

export function gone(message: string): StatusError {
  return failure(410, 'Gone', message);
}

export function expired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

export function unsupportedMediaType(accepted: string[]): StatusError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function pathNotFound(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource');
}

export function internalError(message: string): StatusError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function successStatus(details?: StatusDetails): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
  };
}

/** The text after `field: ` in a kube field error, e.g. `Required value` or `Invalid value: "x": detail`. */
export function fieldErrorBody(error: FieldError): string {
  const shown = error.shownAs ?? formatValue(error.value);
  switch (error.type) {
    case 'FieldValueRequired':
      return error.detail ? `Required value: ${error.detail}` : 'Required value';
    case 'FieldValueForbidden':
      return error.detail ? `Forbidden: ${error.detail}` : 'Forbidden';
    case 'FieldValueDuplicate':
      return `Duplicate value: ${shown}`;
    case 'FieldValueNotSupported': {
      const supported = (error.supported ?? []).map((value) => JSON.stringify(value)).join(', ');
      return `Unsupported value: ${shown}${supported ? `: supported values: ${supported}` : ''}`;
    }
    case 'FieldValueTooLong':
      return `Too long: ${error.detail ?? 'value is too long'}`;
    case 'FieldValueNotFound':
      return `Not found: ${shown}`;
    case 'FieldValueTypeInvalid':
      return `Invalid value: ${shown}: ${error.detail ?? 'invalid type'}`;
    default:
      return error.detail ? `Invalid value: ${shown}: ${error.detail}` : `Invalid value: ${shown}`;
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return '""';
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

export const fieldError = {
  required: (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  invalid: (field: string, value: unknown, detail?: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    value,
    detail,
  }),
  notSupported: (field: string, value: unknown, supported: string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    value,
    supported,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  notFound: (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field, value }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field,
    value,
    detail,
  }),
};
