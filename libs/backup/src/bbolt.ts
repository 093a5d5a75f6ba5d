/**
 * A small read-only reader of bbolt databases (etcd's backend; https://github.com/etcd-io/bbolt), enough to walk
 * buckets in key order. The layout (little-endian, as bbolt writes on amd64 and arm64):
 *
 * - The file is pages of `pageSize` bytes; page `n` starts at `n * pageSize`. Every page starts with a 16-byte
 *   header: id u64, flags u16 (0x01 branch, 0x02 leaf, 0x04 meta, 0x10 freelist), count u16 (elements),
 *   overflow u32 (how many further pages this one spans: big values live on such multi-page pages).
 * - Pages 0 and 1 are meta pages (written alternately). After the header: magic u32 `0xED0CDAED`, version u32 (2),
 *   pageSize u32, flags u32, root bucket (root page u64, sequence u64), freelist page u64, page high-water mark
 *   u64, txid u64, checksum u64 (FNV-1a 64 of the 56 bytes before it). The valid one with the higher txid wins.
 * - A branch page has `count` elements of 16 bytes (pos u32, ksize u32, child page u64); a leaf page `count`
 *   elements of 16 bytes (flags u32, pos u32, ksize u32, vsize u32). `pos` is relative to the element's own
 *   offset; the value follows the key. Leaf flag 0x01 marks a nested bucket.
 * - A bucket's value is its root page u64 and sequence u64; a root of 0 means an inline bucket, whose single leaf
 *   page (header and elements) follows those 16 bytes in the value itself.
 *
 * Reading goes through a `PageSource` (positional reads), so this module holds no file handle itself.
 */

export interface PageSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes from `offset` (fewer only past the end). */
  read(offset: number, length: number): Promise<Buffer>;
}

/** A structural problem: not a bbolt file, or a page that does not hold what the tree says it should. */
export class BboltFormatError extends Error {
  override readonly name = 'BboltFormatError';
}

const MAGIC = 0xed0cdaed;
const VERSION = 2;
const PAGE_HEADER = 16;
const ELEMENT = 16;
const META_BYTES = 64;
const BRANCH = 0x01;
const LEAF = 0x02;
const META = 0x04;
const BUCKET_LEAF = 0x01;
const BUCKET_HEADER = 16;
/** bbolt's page sizes are the OS page size; these are tried when meta page 0 is unreadable. */
const CANDIDATE_PAGE_SIZES = [4096, 16384, 65536, 8192, 32768, 2048, 1024];

export interface Meta {
  pageSize: number;
  root: number;
  freelist: number;
  /** One past the highest page in use. */
  highWater: number;
  txid: number;
}

/** FNV-1a 64 of `bytes`, as bbolt checksums its meta pages. */
export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash;
}

/** The meta page at the start of `page` (header included), or undefined when it is not a valid one. */
export function parseMeta(page: Buffer): Meta | undefined {
  if (page.length < PAGE_HEADER + META_BYTES) return undefined;
  if ((page.readUInt16LE(8) & META) === 0) return undefined;
  const meta = page.subarray(PAGE_HEADER, PAGE_HEADER + META_BYTES);
  if (meta.readUInt32LE(0) !== MAGIC || meta.readUInt32LE(4) !== VERSION) return undefined;
  if (fnv1a64(meta.subarray(0, 56)) !== meta.readBigUInt64LE(56)) return undefined;
  return {
    pageSize: meta.readUInt32LE(8),
    root: Number(meta.readBigUInt64LE(16)),
    freelist: Number(meta.readBigUInt64LE(32)),
    highWater: Number(meta.readBigUInt64LE(40)),
    txid: Number(meta.readBigUInt64LE(48)),
  };
}

/** The meta to read by: the valid one of pages 0 and 1 with the higher txid. */
export async function readMeta(source: PageSource): Promise<Meta> {
  const first = parseMeta(await source.read(0, PAGE_HEADER + META_BYTES));
  const sizes = first ? [first.pageSize] : CANDIDATE_PAGE_SIZES;
  let second: Meta | undefined;
  for (const size of sizes) {
    second = parseMeta(await source.read(size, PAGE_HEADER + META_BYTES));
    if (second && second.pageSize === size) break;
    second = undefined;
  }
  const valid = [first, second].filter((meta): meta is Meta => meta !== undefined);
  if (valid.length === 0) throw new BboltFormatError('no valid bbolt meta page (not a bbolt database?)');
  return valid.reduce((a, b) => (b.txid > a.txid ? b : a));
}

/** One leaf element: a key and either a value or a nested bucket. */
export interface Entry {
  key: Buffer;
  value: Buffer;
  isBucket: boolean;
}

/** One page of a bucket's tree. */
export interface PageInfo {
  id: number;
  kind: 'branch' | 'leaf';
  /** Elements on the page. */
  count: number;
  /** Further pages this page spans. */
  overflow: number;
  /** The page of an inline bucket (inside its parent's value). */
  inline: boolean;
}

/** A bucket to read: its root page, or (root 0) its inline leaf page. */
export interface BucketRef {
  root: number;
  inline?: Buffer;
}

export class Bbolt {
  private constructor(
    private readonly source: PageSource,
    readonly meta: Meta,
  ) {}

  static async open(source: PageSource): Promise<Bbolt> {
    const meta = await readMeta(source);
    if (meta.pageSize < 512 || (meta.pageSize & (meta.pageSize - 1)) !== 0)
      throw new BboltFormatError(`implausible page size ${meta.pageSize}`);
    if (meta.highWater * meta.pageSize > source.size)
      throw new BboltFormatError(
        `truncated: ${meta.highWater} pages of ${meta.pageSize} bytes need ${meta.highWater * meta.pageSize} bytes, the file has ${source.size}`,
      );
    return new Bbolt(source, meta);
  }

  /** The top-level bucket that holds all named buckets. */
  get root(): BucketRef {
    return { root: this.meta.root };
  }

  /** A nested bucket of `parent` by name, or undefined when there is none. */
  async bucket(parent: BucketRef, name: string | Buffer): Promise<BucketRef | undefined> {
    const wanted = typeof name === 'string' ? Buffer.from(name) : name;
    const entry = await this.get(parent, wanted);
    if (!entry?.isBucket) return undefined;
    return bucketRef(entry.value);
  }

  /** The entry under `key` in `bucket`, descending branch pages by key. */
  async get(bucket: BucketRef, key: Buffer): Promise<Entry | undefined> {
    let page = bucket.root === 0 ? inlinePage(bucket) : await this.page(bucket.root);
    for (;;) {
      const flags = page.readUInt16LE(8);
      const count = page.readUInt16LE(10);
      if (flags & LEAF) {
        for (let i = 0; i < count; i++) {
          const entry = leafElement(page, i);
          if (entry.key.equals(key)) return entry;
        }
        return undefined;
      }
      if (!(flags & BRANCH)) throw new BboltFormatError(`page ${page.readBigUInt64LE(0)} is no tree page`);
      // The child whose first key is the last one <= key.
      let child = branchElement(page, 0).child;
      for (let i = 1; i < count; i++) {
        const element = branchElement(page, i);
        if (Buffer.compare(element.key, key) > 0) break;
        child = element.child;
      }
      page = await this.page(child);
    }
  }

  /** Every entry of `bucket` in key order (depth first through its branch pages). */
  async *entries(bucket: BucketRef): AsyncGenerator<Entry> {
    yield* this.walk(bucket.root === 0 ? inlinePage(bucket) : await this.page(bucket.root), 0);
  }

  /** The last entry of `bucket` in key order (the rightmost path only), or undefined when it is empty. */
  async last(bucket: BucketRef): Promise<Entry | undefined> {
    let page = bucket.root === 0 ? inlinePage(bucket) : await this.page(bucket.root);
    for (;;) {
      const flags = page.readUInt16LE(8);
      const count = page.readUInt16LE(10);
      if (flags & LEAF) return count === 0 ? undefined : leafElement(page, count - 1);
      if (!(flags & BRANCH) || count === 0) throw new BboltFormatError('broken branch page');
      page = await this.page(branchElement(page, count - 1).child);
    }
  }

  /** The pages of `bucket`'s tree, depth first (for diagnostics and tests: which page kinds a file has). */
  async *treePages(bucket: BucketRef): AsyncGenerator<PageInfo> {
    if (bucket.root === 0) {
      yield { id: 0, kind: 'leaf', count: inlinePage(bucket).readUInt16LE(10), overflow: 0, inline: true };
      return;
    }
    const pending = [bucket.root];
    while (pending.length > 0) {
      const id = pending.shift()!;
      const page = await this.page(id);
      const flags = page.readUInt16LE(8);
      const count = page.readUInt16LE(10);
      const kind = flags & BRANCH ? 'branch' : 'leaf';
      yield { id, kind, count, overflow: page.readUInt32LE(12), inline: false };
      if (kind === 'branch') for (let i = 0; i < count; i++) pending.push(branchElement(page, i).child);
    }
  }

  private async *walk(page: Buffer, depth: number): AsyncGenerator<Entry> {
    if (depth > 64) throw new BboltFormatError('tree deeper than 64 levels (a page cycle?)');
    const flags = page.readUInt16LE(8);
    const count = page.readUInt16LE(10);
    if (flags & LEAF) {
      for (let i = 0; i < count; i++) yield leafElement(page, i);
    } else if (flags & BRANCH) {
      for (let i = 0; i < count; i++)
        yield* this.walk(await this.page(branchElement(page, i).child), depth + 1);
    } else {
      throw new BboltFormatError(`page ${page.readBigUInt64LE(0)} is no tree page (flags ${flags})`);
    }
  }

  /** Page `id` with its overflow pages: `(overflow + 1) * pageSize` bytes. */
  private async page(id: number): Promise<Buffer> {
    const { pageSize, highWater } = this.meta;
    if (id < 2 || id >= highWater)
      throw new BboltFormatError(`page ${id} outside the database (0–${highWater - 1})`);
    let page = await this.source.read(id * pageSize, pageSize);
    if (page.length < pageSize) throw new BboltFormatError(`page ${id} is truncated`);
    if (Number(page.readBigUInt64LE(0)) !== id)
      throw new BboltFormatError(`page ${id} says it is page ${page.readBigUInt64LE(0)}`);
    const overflow = page.readUInt32LE(12);
    if (overflow > 0) {
      if (id + overflow >= highWater) throw new BboltFormatError(`page ${id} overflows past the database`);
      page = await this.source.read(id * pageSize, (overflow + 1) * pageSize);
      if (page.length < (overflow + 1) * pageSize) throw new BboltFormatError(`page ${id} is truncated`);
    }
    return page;
  }
}

function bucketRef(value: Buffer): BucketRef {
  if (value.length < BUCKET_HEADER) throw new BboltFormatError('bucket header shorter than 16 bytes');
  const root = Number(value.readBigUInt64LE(0));
  return root === 0 ? { root, inline: value.subarray(BUCKET_HEADER) } : { root };
}

function inlinePage(bucket: BucketRef): Buffer {
  const page = bucket.inline;
  if (!page || page.length < PAGE_HEADER) throw new BboltFormatError('inline bucket without a page');
  if (!(page.readUInt16LE(8) & LEAF)) throw new BboltFormatError('inline bucket page is not a leaf');
  return page;
}

function slice(page: Buffer, start: number, length: number): Buffer {
  if (start < 0 || start + length > page.length)
    throw new BboltFormatError(`element points outside its page (${start}+${length} > ${page.length})`);
  return page.subarray(start, start + length);
}

function leafElement(page: Buffer, index: number): Entry {
  const at = PAGE_HEADER + index * ELEMENT;
  const element = slice(page, at, ELEMENT);
  const flags = element.readUInt32LE(0);
  const pos = element.readUInt32LE(4);
  const ksize = element.readUInt32LE(8);
  const vsize = element.readUInt32LE(12);
  return {
    key: slice(page, at + pos, ksize),
    value: slice(page, at + pos + ksize, vsize),
    isBucket: (flags & BUCKET_LEAF) !== 0,
  };
}

function branchElement(page: Buffer, index: number): { key: Buffer; child: number } {
  const at = PAGE_HEADER + index * ELEMENT;
  const element = slice(page, at, ELEMENT);
  const pos = element.readUInt32LE(0);
  const ksize = element.readUInt32LE(4);
  return { key: slice(page, at + pos, ksize), child: Number(element.readBigUInt64LE(8)) };
}
