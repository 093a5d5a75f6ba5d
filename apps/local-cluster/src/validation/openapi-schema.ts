import { asObject, isJsonObject, type JsonObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';

/** The structural-schema subset of OpenAPI v3 that CRDs use. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  default?: unknown;
  description?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, schema: Schema): boolean {
  if (schema['x-kubernetes-int-or-string'])
    return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
  switch (schema.type) {
    case undefined:
      return true;
    case 'object':
      return isJsonObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** Validates `value` against `schema` with kube's wording (`<path> in body must be of type integer`, ...). */
export function validateSchema(value: unknown, schema: Schema, path: string): FieldError[] {
  if (value === null && schema.nullable) return [];
  if (!typeMatches(value, schema))
    return [
      fieldError.typeInvalid(
        path,
        value === null ? 'null' : typeName(value),
        `${path} in body must be of type ${schema.type}: "${typeName(value)}"`,
      ),
    ];
  const errors: FieldError[] = [];
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value)))
    errors.push(fieldError.notSupported(path, value, schema.enum.map(String)));
  if (typeof value === 'number') {
    if (
      schema.minimum !== undefined &&
      (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)
    )
      errors.push(
        fieldError.invalid(
          path,
          value,
          `${path} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`,
        ),
      );
    if (
      schema.maximum !== undefined &&
      (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)
    )
      errors.push(
        fieldError.invalid(
          path,
          value,
          `${path} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`,
        ),
      );
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      errors.push({
        type: 'FieldValueTooLong',
        field: path,
        value,
        detail: `may not be more than ${schema.maxLength} bytes`,
      });
    if (schema.minLength !== undefined && value.length < schema.minLength)
      errors.push(
        fieldError.invalid(path, value, `${path} in body should be at least ${schema.minLength} chars long`),
      );
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      errors.push(fieldError.invalid(path, value, `${path} in body should match '${schema.pattern}'`));
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errors.push({
        type: 'FieldValueTooLong',
        field: path,
        value,
        detail: `must have at most ${schema.maxItems} items`,
      });
    if (schema.minItems !== undefined && value.length < schema.minItems)
      errors.push(
        fieldError.invalid(path, value, `${path} in body should have at least ${schema.minItems} items`),
      );
    if (schema.items)
      value.forEach((item, index) =>
        errors.push(...validateSchema(item, schema.items as Schema, `${path}[${index}]`)),
      );
  }
  if (isJsonObject(value)) {
    for (const key of schema.required ?? [])
      if (value[key] === undefined) errors.push(fieldError.required(join(path, key)));
    for (const [key, child] of Object.entries(value)) {
      const childSchema =
        schema.properties?.[key] ??
        (isJsonObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined);
      if (childSchema) errors.push(...validateSchema(child, childSchema, join(path, key)));
    }
  }
  return errors;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Structural pruning and defaulting, as kube-apiserver does for custom resources: fields the schema does not
 * know are dropped (unless x-kubernetes-preserve-unknown-fields), and `default`s fill missing fields.
 */
export function pruneAndDefault(value: unknown, schema: Schema, root = false): unknown {
  if (Array.isArray(value))
    return schema.items ? value.map((item) => pruneAndDefault(item, schema.items as Schema)) : value;
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  const preserve =
    schema['x-kubernetes-preserve-unknown-fields'] === true ||
    schema['x-kubernetes-embedded-resource'] === true;
  for (const [key, child] of Object.entries(value)) {
    if (root && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) {
      result[key] = child;
      continue;
    }
    const childSchema = schema.properties?.[key];
    if (childSchema) result[key] = pruneAndDefault(child, childSchema);
    else if (isJsonObject(schema.additionalProperties))
      result[key] = pruneAndDefault(child, schema.additionalProperties as Schema);
    else if (preserve || schema.additionalProperties === true) result[key] = child;
  }
  for (const [key, childSchema] of Object.entries(schema.properties ?? {})) {
    if (result[key] === undefined && childSchema.default !== undefined)
      result[key] = pruneAndDefault(structuredClone(childSchema.default), childSchema);
  }
  return result;
}

/** The schema of a CRD version (spec.versions[].schema.openAPIV3Schema). */
export function versionSchema(version: unknown): Schema | undefined {
  const schema = asObject(asObject(version).schema).openAPIV3Schema;
  return isJsonObject(schema) ? (schema as Schema) : undefined;
}
