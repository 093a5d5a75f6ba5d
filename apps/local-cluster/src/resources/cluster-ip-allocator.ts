import { cidrSize, formatIpv4, readCidr, readIpv4, type Cidr } from '@cite/ip-pool';

/**
 * Cluster IPs from the service CIDR (10.96.0.0/12 by default). The first address is the `kubernetes`
 * service's; the network and broadcast addresses are never given out. Tracks only stored services, so a
 * failed or dry-run create allocates nothing.
 */
export class ClusterIpAllocator {
  private readonly used = new Set<string>();
  private readonly cidr: Cidr;
  private cursor = 2;

  constructor(serviceCidr: string) {
    const parsed = readCidr(serviceCidr);
    if (!parsed.ok) throw new Error(`invalid service CIDR: ${parsed.problem}`);
    this.cidr = parsed.value;
  }

  /** The first usable address (the `kubernetes` service's). */
  get firstAddress(): string {
    return formatIpv4(this.cidr.network + 1);
  }

  contains(ip: string): boolean {
    const read = readIpv4(ip);
    if (!read.ok) return false;
    const address = read.value;
    return address > this.cidr.network && address < this.cidr.network + cidrSize(this.cidr) - 1;
  }

  isFree(ip: string): boolean {
    return !this.used.has(ip);
  }

  /** The next free address, round robin over the range. */
  next(): string | undefined {
    const size = cidrSize(this.cidr);
    for (let attempt = 0; attempt < size - 2; attempt += 1) {
      const offset = this.cursor;
      this.cursor = this.cursor + 1 >= size - 1 ? 1 : this.cursor + 1;
      const ip = formatIpv4(this.cidr.network + offset);
      if (!this.used.has(ip)) return ip;
    }
    return undefined;
  }

  reserve(ip: string): void {
    this.used.add(ip);
  }

  release(ip: string): void {
    this.used.delete(ip);
  }
}
