/**
 * The ops files that ship with cite agree with what it writes: Kibana's saved objects parse, reference only each
 * other, and look at the indices cite writes; fluent-bit's configuration names the same indices and fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import { indexPattern } from './indices';
import { LOG_MAPPINGS } from './queries';

const root = path.resolve(import.meta.dirname, '../../..');

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

const objects = fs
  .readFileSync(path.join(root, 'ops/kibana/cite.ndjson'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as SavedObject);

describe('ops/kibana/cite.ndjson', () => {
  it('has data views over exactly the index families cite writes, on @timestamp', () => {
    const views = objects.filter((o) => o.type === 'index-pattern');
    expect(views.map((v) => v.attributes['title']).sort()).toEqual(
      [indexPattern('deploys'), indexPattern('logs'), indexPattern('system')].sort(),
    );
    for (const view of views) expect(view.attributes['timeFieldName']).toBe('@timestamp');
  });

  it('references only objects of the file, of the type named, and its JSON strings parse', () => {
    const ids = new Map(objects.map((o) => [o.id, o.type]));
    expect(ids.size).toBe(objects.length);
    for (const object of objects) {
      for (const reference of object.references) expect(ids.get(reference.id)).toBe(reference.type);
      for (const [key, value] of Object.entries(object.attributes))
        if (key.endsWith('JSON') && typeof value === 'string') expect(() => JSON.parse(value)).not.toThrow();
      const source = (object.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON?: string } | undefined)
        ?.searchSourceJSON;
      if (source) expect(() => JSON.parse(source)).not.toThrow();
    }
  });

  it('shows fields the documents have', () => {
    const search = objects.find((o) => o.type === 'search')!;
    const mapped = new Set(['service.name', 'kubernetes.pod.name', 'log.level', 'message']);
    for (const column of search.attributes['columns'] as string[]) expect(mapped.has(column)).toBe(true);
    expect(Object.keys(LOG_MAPPINGS.properties)).toEqual(
      expect.arrayContaining(['service', 'kubernetes', 'log']),
    );
  });
});

describe('ops/fluent-bit', () => {
  it("writes the shipper's indices and ECS fields", () => {
    const conf = fs.readFileSync(path.join(root, 'ops/fluent-bit/fluent-bit.conf'), 'utf8');
    const lua = fs.readFileSync(path.join(root, 'ops/fluent-bit/cite.lua'), 'utf8');
    expect(conf).toMatch(/Logstash_DateFormat %Y\.%m\.%d/);
    expect(conf).toMatch(/Logstash_Prefix_Key \$cite_index_prefix/);
    expect(conf).toMatch(/script\s+cite\.lua/);
    expect(conf).toMatch(/Parsers_File\s+parsers\.conf/);
    expect(fs.existsSync(path.join(root, 'ops/fluent-bit/parsers.conf'))).toBe(true);
    expect(lua).toContain('"cite-logs-" .. team');
    for (const field of ['service', 'kubernetes', 'container', 'cite', 'message'])
      expect(lua).toContain(`${field} =`);
  });
});
