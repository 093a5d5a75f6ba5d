import { badRequest, unsupportedMediaType } from '../errors';
import { MESSAGES, ROOT_KINDS, type FieldSpec, type Scalar } from './schema';
import { readFields, signed, WireError, type WireField } from './wire';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const text = new TextDecoder();

function scalar(field: WireField, type: Scalar): unknown {
  switch (type) {
    case 'string':
      return text.decode(field.bytes);
    case 'bytes':
      return Buffer.from(field.bytes ?? new Uint8Array()).toString('base64');
    case 'int':
      return signed(field.varint ?? 0n);
    case 'bool':
      return field.varint !== 0n;
    case 'quantity':
      return text.decode(
        readFields(field.bytes ?? new Uint8Array()).find((inner) => inner.number === 1)?.bytes,
      );
    case 'time': {
      const parts = readFields(field.bytes ?? new Uint8Array());
      const seconds = signed(parts.find((part) => part.number === 1)?.varint ?? 0n);
      return seconds === 0 ? undefined : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'intOrString': {
      const parts = readFields(field.bytes ?? new Uint8Array());
      const kind = signed(parts.find((part) => part.number === 1)?.varint ?? 0n);
      if (kind === 1) return text.decode(parts.find((part) => part.number === 3)?.bytes);
      return signed(parts.find((part) => part.number === 2)?.varint ?? 0n);
    }
  }
}

function isEmpty(value: unknown, spec: FieldSpec): boolean {
  if (value === undefined || value === '') return true;
  if ((value === 0 || value === false) && !spec.keepZero) return true;
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

/** One message as Kubernetes JSON: unknown fields dropped, zero values omitted as Go's `omitempty` does. */
function message(bytes: Uint8Array, name: string): Record<string, unknown> {
  const schema = MESSAGES[name] ?? {};
  const result: Record<string, unknown> = {};
  for (const field of readFields(bytes)) {
    const spec = schema[field.number];
    if (!spec) continue;
    let value: unknown;
    const type = spec.type;
    if (typeof type === 'string') value = scalar(field, type);
    else if ('message' in type) value = message(field.bytes ?? new Uint8Array(), type.message);
    else {
      const entry = readFields(field.bytes ?? new Uint8Array());
      const key = text.decode(entry.find((part) => part.number === 1)?.bytes);
      const raw = entry.find((part) => part.number === 2);
      const mapValue = raw
        ? scalar(raw, type.map)
        : type.map === 'string' || type.map === 'bytes'
          ? ''
          : undefined;
      const target = (result[spec.name] ??= {}) as Record<string, unknown>;
      target[key] = mapValue;
      continue;
    }
    if (spec.inline && typeof value === 'object' && value !== null) {
      Object.assign(result, value);
      continue;
    }
    if (spec.repeated) {
      ((result[spec.name] ??= []) as unknown[]).push(value);
      continue;
    }
    if (!isEmpty(value, spec)) result[spec.name] = value;
  }
  return result;
}

/**
 * Decodes a `application/vnd.kubernetes.protobuf` body (the `k8s\0` envelope around runtime.Unknown) into the
 * JSON object it stands for, for the kinds kubectl's typed clients create. Others are 415, as kube answers an
 * undecodable body.
 */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((byte, index) => body[index] !== byte))
    throw badRequest('protobuf body does not start with the Kubernetes magic number');
  try {
    const envelope = readFields(body.subarray(4));
    const typeMeta = readFields(envelope.find((field) => field.number === 1)?.bytes ?? new Uint8Array());
    const apiVersion = text.decode(typeMeta.find((field) => field.number === 1)?.bytes);
    const kind = text.decode(typeMeta.find((field) => field.number === 2)?.bytes);
    if (!ROOT_KINDS.includes(kind)) throw unsupportedMediaType(['application/json', 'application/yaml']);
    const raw = envelope.find((field) => field.number === 2)?.bytes ?? new Uint8Array();
    return { apiVersion, kind, ...message(raw, kind) };
  } catch (error) {
    if (error instanceof WireError) throw badRequest(`error decoding protobuf body: ${error.message}`);
    throw error;
  }
}
