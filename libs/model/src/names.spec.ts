import fc from 'fast-check';
import {
  dns1035LabelErrors,
  envVarNameErrors,
  hostnameErrors,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvVarName,
  isHostname,
  isLabelKey,
  isLabelValue,
  isValidPort,
  labelKeyErrors,
  portErrors,
} from './names';

const long = (length: number, char = 'a') => char.repeat(length);

describe('isDns1035Label', () => {
  it.each(['a', 'my-name', 'abc-123', 'a1', 'a--b', long(63)])('accepts %p', (value) => {
    expect(isDns1035Label(value)).toBe(true);
  });
  it.each(['', '1abc', '-abc', 'abc-', 'My-name', 'my_name', 'my.name', 'a b', long(64), 'é'])(
    'rejects %p',
    (value) => {
      expect(isDns1035Label(value)).toBe(false);
    },
  );
  it('says why in Kubernetes words', () => {
    expect(dns1035LabelErrors(long(64))).toEqual(['must be no more than 63 characters']);
    expect(dns1035LabelErrors('1abc')[0]).toMatch(
      /^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character.*regex used for validation is '\[a-z\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?'\)$/,
    );
  });
});

describe('isDns1123Label', () => {
  it.each(['a', '1abc', '123', 'my-name', long(63)])('accepts %p', (value) => {
    expect(isDns1123Label(value)).toBe(true);
  });
  it.each(['', '-a', 'a-', 'A', 'a.b', 'a_b', long(64)])('rejects %p', (value) => {
    expect(isDns1123Label(value)).toBe(false);
  });
});

describe('isDns1123Subdomain', () => {
  it.each(['a', 'example.com', 'node-1.cluster.local', '10.60.25.139', `${long(63)}.${long(63)}`])(
    'accepts %p',
    (value) => {
      expect(isDns1123Subdomain(value)).toBe(true);
    },
  );
  it.each(['', '.a', 'a.', 'a..b', 'A.com', 'a_b.com', '-a.com', 'a-.com', `${long(250)}.com`])(
    'rejects %p',
    (value) => {
      expect(isDns1123Subdomain(value)).toBe(false);
    },
  );
});

describe('isEnvVarName', () => {
  it.each(['A', 'MY_ENV', 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1', '_', '-x', '.a', 'a..b'])(
    'accepts %p',
    (value) => {
      expect(isEnvVarName(value)).toBe(true);
    },
  );
  it.each(['', '1A', 'A B', 'A=B', 'A$', 'é', '.', '..', '..a'])('rejects %p', (value) => {
    expect(isEnvVarName(value)).toBe(false);
  });
  it('names the dot rules as Kubernetes does', () => {
    expect(envVarNameErrors('.')).toEqual(["must not be '.'"]);
    expect(envVarNameErrors('..')).toEqual(["must not be '..'"]);
    expect(envVarNameErrors('..a')).toEqual(["must not start with '..'"]);
    expect(envVarNameErrors('1A')[0]).toContain("regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*'");
  });
});

describe('isHostname', () => {
  it.each([
    'example.com',
    'api.example.com',
    'localhost',
    'a-b.c-d.example',
    `${long(63)}.com`,
    'xn--bcher-kva.example',
  ])('accepts %p', (value) => {
    expect(isHostname(value)).toBe(true);
  });
  it.each([
    '',
    'Example.com',
    'example.com.',
    'a..b',
    '-a.com',
    'a_b.com',
    'http://a.com',
    'a.com/path',
    'a.com:80',
    `${long(64)}.com`,
    `${long(63)}.${long(63)}.${long(63)}.${long(62)}`, // 254 characters
    '10.60.25.139',
    '*.example.com',
  ])('rejects %p', (value) => {
    expect(isHostname(value)).toBe(false);
  });
  it('allows a leading wildcard only when asked', () => {
    expect(hostnameErrors('*.example.com')).toEqual(["must not be a wildcard ('*.') host"]);
    expect(isHostname('*.example.com', { wildcard: true })).toBe(true);
    expect(isHostname('*.*.example.com', { wildcard: true })).toBe(false);
    expect(isHostname('a.*.example.com', { wildcard: true })).toBe(false);
    expect(isHostname('*', { wildcard: true })).toBe(false);
  });
  it('explains label length and IP addresses', () => {
    expect(hostnameErrors(`${long(64)}.com`)).toEqual(['each label must be no more than 63 characters']);
    expect(hostnameErrors('10.0.0.1')).toEqual(['must be a DNS name, not an IP address']);
  });
});

describe('isLabelKey', () => {
  it.each([
    'app',
    'App_Name',
    'my.name',
    '123-abc',
    'app.kubernetes.io/name',
    'example.com/MyName',
    long(63),
  ])('accepts %p', (value) => {
    expect(isLabelKey(value)).toBe(true);
  });
  it.each([
    '',
    '/name',
    'example.com/',
    'a/b/c',
    '-app',
    'app-',
    'Example.com/name',
    'a b',
    long(64),
    `x/${long(64)}`,
  ])('rejects %p', (value) => {
    expect(isLabelKey(value)).toBe(false);
  });
  it('names the part at fault', () => {
    expect(labelKeyErrors('/name')).toEqual(['prefix part must be non-empty']);
    expect(labelKeyErrors('example.com/')[0]).toBe('name part must be non-empty');
    expect(labelKeyErrors(`x/${long(64)}`)).toEqual(['name part must be no more than 63 characters']);
    expect(labelKeyErrors('Bad_Prefix/name')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(labelKeyErrors('a/b/c')[0]).toMatch(/^a qualified name must consist of/);
  });
});

describe('isLabelValue', () => {
  it.each(['', 'MyValue', 'my_value', '12345', 'v1.2.3', 'a', long(63)])('accepts %p', (value) => {
    expect(isLabelValue(value)).toBe(true);
  });
  it.each(['-a', 'a-', '_a', 'a.', 'a b', 'a/b', 'ü', long(64)])('rejects %p', (value) => {
    expect(isLabelValue(value)).toBe(false);
  });
});

describe('isValidPort', () => {
  it.each([1, 80, 8080, 65535])('accepts %p', (value) => {
    expect(isValidPort(value)).toBe(true);
  });
  it.each([0, -1, 65536, 80.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %p', (value) => {
    expect(isValidPort(value)).toBe(false);
    expect(portErrors(value)).toEqual(['must be between 1 and 65535, inclusive']);
  });
});

describe('DNS-1035 labels, generated', () => {
  const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz');
  const inner = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-');
  const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
  const label = fc
    .tuple(lower, fc.array(inner, { maxLength: 61 }), fc.option(alnum, { nil: undefined }))
    .map(([first, middle, last]) => (last === undefined ? first : first + middle.join('') + last));

  it('accepts every label built by the grammar', () => {
    fc.assert(fc.property(label, (name) => expect(isDns1035Label(name)).toBe(true)));
  });

  it('rejects a label with an upper-case letter or an underscore in it', () => {
    fc.assert(
      fc.property(label, fc.constantFrom('A', 'Z', 'Q', '_'), fc.nat(), (name, bad, at) => {
        const position = at % (name.length + 1);
        expect(isDns1035Label(name.slice(0, position) + bad + name.slice(position))).toBe(false);
      }),
    );
  });

  it('rejects anything over 63 characters', () => {
    fc.assert(
      fc.property(label, fc.integer({ min: 64, max: 300 }), (name, length) => {
        expect(isDns1035Label(name.padEnd(length, 'a'))).toBe(false);
      }),
    );
  });
});
