import { CorruptValueError, InputError } from '@cite/errors';
import { z } from 'zod';
import { ValueCodec } from './value-codec';

const Thing = z.object({
  name: z.string().min(1),
  size: z.number().int(),
  tags: z.array(z.string()).default([]),
});
const codec = new ValueCodec(Thing, 'thing');

describe('ValueCodec', () => {
  it('stores the schema output: unknown keys dropped, defaults filled', () => {
    const encoded = codec.encode({ name: 'a', size: 1, extra: true });
    expect(encoded.value).toEqual({ name: 'a', size: 1, tags: [] });
    expect(JSON.parse(encoded.json)).toEqual({ name: 'a', size: 1, tags: [] });
  });

  it('refuses an invalid value with one field path per problem', () => {
    let thrown: unknown;
    try {
      codec.encode({ name: '', size: 1.5, tags: ['ok', 3] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const paths = (thrown as InputError).details.map((d) => d.path).sort();
    expect(paths).toEqual(['name', 'size', 'tags.1']);
    expect((thrown as InputError).message).toContain('invalid thing');
  });

  it('reports a stored value that is not JSON, naming the key', () => {
    expect(() => codec.decode('/p/things/a', Buffer.from('{oops'))).toThrow(CorruptValueError);
    try {
      codec.decode('/p/things/a', '{oops');
    } catch (error) {
      expect((error as CorruptValueError).key).toBe('/p/things/a');
      expect((error as CorruptValueError).message).toContain('not JSON');
    }
  });

  it('reports a stored value that no longer matches the schema, with field paths', () => {
    const result = codec.tryDecode('/p/things/b', JSON.stringify({ name: 'b', size: 'big' }));
    expect('error' in result && result.error.key).toBe('/p/things/b');
    expect('error' in result && result.error.details.map((d) => d.path)).toEqual(['size']);
    expect(codec.tryDecode('/p/things/c', JSON.stringify({ name: 'c', size: 2 }))).toEqual({
      value: { name: 'c', size: 2, tags: [] },
    });
  });

  describe('values already validated at a revision', () => {
    /** A codec whose schema counts how often it runs. */
    function counting(memoSize?: number) {
      const runs = { count: 0 };
      const schema = Thing.superRefine(() => {
        runs.count += 1;
      });
      return { codec: new ValueCodec(schema, 'thing', memoSize), runs };
    }
    const canonical = JSON.stringify({ name: 'a', size: 1, tags: [] });

    it('skips the schema for the same key at the same revision, and returns a fresh equal value', () => {
      const { codec, runs } = counting();
      const first = codec.decode('k', canonical, '7');
      const second = codec.decode('k', Buffer.from(canonical), '7');
      expect(runs.count).toBe(1);
      expect(second).toEqual(first);
      expect(second).not.toBe(first);
    });

    it('validates again at another revision, for another key, or without a revision', () => {
      const { codec, runs } = counting();
      codec.decode('k', canonical, '7');
      codec.decode('k', canonical, '8');
      codec.decode('other', canonical, '8');
      codec.decode('other', canonical);
      expect(runs.count).toBe(4);
    });

    it('always validates a value the schema would change (unknown keys, defaults), so the result is the same', () => {
      const { codec, runs } = counting();
      const loose = JSON.stringify({ name: 'a', size: 1, extra: true });
      expect(codec.decode('k', loose, '7')).toEqual({ name: 'a', size: 1, tags: [] });
      expect(codec.decode('k', loose, '7')).toEqual({ name: 'a', size: 1, tags: [] });
      expect(runs.count).toBe(2);
    });

    it('remembers a bounded number of keys, forgetting the oldest', () => {
      const { codec, runs } = counting(2);
      for (const key of ['a', 'b', 'c']) codec.decode(key, canonical, '1');
      codec.decode('c', canonical, '1');
      codec.decode('b', canonical, '1');
      expect(runs.count).toBe(3);
      codec.decode('a', canonical, '1');
      expect(runs.count).toBe(4);
    });
  });
});
