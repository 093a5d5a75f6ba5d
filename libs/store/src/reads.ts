import type { IKeyValue, IOperation, IResponseOp } from 'etcd3';

/**
 * One read that can go into an etcd transaction with others (`EtcdStore.read`, or a lock's acquisition): the
 * range request, and how to turn etcd's answer into a value. All reads of one transaction see the same revision.
 */
export interface Read<T> {
  readonly op: IOperation;
  decode(kvs: IKeyValue[], more: boolean): T;
}

/** The values of a tuple of reads, in order. */
export type ReadResults<R extends readonly Read<unknown>[]> = {
  -readonly [K in keyof R]: R[K] extends Read<infer T> ? T : never;
};

/** Decodes the range answers of a transaction whose first `reads.length` operations were `reads`. */
export function decodeReads<R extends readonly Read<unknown>[]>(
  reads: R,
  responses: IResponseOp[],
  offset = 0,
): ReadResults<R> {
  return reads.map((read, i) => {
    const range = responses[offset + i]?.response_range;
    return read.decode(range?.kvs ?? [], range?.more ?? false);
  }) as ReadResults<R>;
}
