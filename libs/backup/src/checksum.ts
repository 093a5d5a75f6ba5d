/** The `sha256sum` line format (`<64 hex>  <name>\n`, text mode), written and read. Pure. */

export function checksumLine(sha256: string, name: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError(`not a lower-case sha256: ${sha256}`);
  if (/[\n\\]/.test(name)) throw new RangeError(`a name sha256sum would escape: ${JSON.stringify(name)}`);
  return `${sha256}  ${name}\n`;
}

/** The one entry of a checksum file, or undefined when the text is not exactly one `sha256sum` line. */
export function parseChecksumLine(text: string): { sha256: string; name: string } | undefined {
  // sha256sum writes `<hex>  <name>` (text mode) or `<hex> *<name>` (binary mode); both mean the same on Linux.
  const match = /^([0-9a-fA-F]{64}) [ *]([^\n]+)\n?$/.exec(text);
  if (!match) return undefined;
  return { sha256: match[1]!.toLowerCase(), name: match[2]! };
}
