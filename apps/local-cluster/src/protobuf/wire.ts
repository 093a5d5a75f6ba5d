/** Protocol-buffers wire format: just enough to read the messages kubectl sends. */

export interface WireField {
  number: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wireType: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

export class WireError extends Error {}

function readVarint(buffer: Uint8Array, start: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let index = start;
  for (;;) {
    if (index >= buffer.length) throw new WireError('truncated varint');
    const byte = buffer[index] as number;
    index += 1;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, index];
    shift += 7n;
    if (shift > 70n) throw new WireError('varint too long');
  }
}

/** The fields of one message, in order. */
export function readFields(buffer: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let index = 0;
  while (index < buffer.length) {
    const [key, next] = readVarint(buffer, index);
    index = next;
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (wireType === 0) {
      const [value, after] = readVarint(buffer, index);
      index = after;
      fields.push({ number, wireType, varint: value });
    } else if (wireType === 2) {
      const [length, after] = readVarint(buffer, index);
      const end = after + Number(length);
      if (end > buffer.length) throw new WireError('truncated field');
      fields.push({ number, wireType, bytes: buffer.subarray(after, end) });
      index = end;
    } else if (wireType === 1) {
      fields.push({ number, wireType, bytes: buffer.subarray(index, index + 8) });
      index += 8;
    } else if (wireType === 5) {
      fields.push({ number, wireType, bytes: buffer.subarray(index, index + 4) });
      index += 4;
    } else throw new WireError(`unsupported wire type ${wireType}`);
  }
  return fields;
}

/** A varint as a signed 64-bit integer (int32/int64 fields), as a JS number. */
export function signed(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}
