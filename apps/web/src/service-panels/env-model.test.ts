import { describe, expect, it } from 'vitest';
import {
  blankRow,
  buildEnv,
  describeEnvSummary,
  envChanged,
  envMessages,
  envSummary,
  followEnv,
  isMasked,
  isSecretName,
  isSecretValue,
  isTouched,
  keepsSecret,
  rebaseEnv,
  seedEnv,
  type EnvRow,
} from './env-model';

const base = [
  { name: 'LOG_LEVEL', value: 'info' },
  { name: 'DB_PASSWORD', value: 'hunter2' },
  { name: 'DATABASE_URL', value: 'postgres://app:s3cret@db:5432/app' },
];

const edit = (rows: EnvRow[], name: string, patch: Partial<EnvRow>) =>
  rows.map((row) => (row.origin === name ? { ...row, ...patch } : row));

describe('what is secret', () => {
  it.each([
    'DB_PASSWORD',
    'API_KEY',
    'apiKey',
    'GITHUB_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'SESSION_SECRET',
    'SENTRY_DSN',
    'STRIPE_APIKEY',
    'JWT_PRIVATE_KEY',
    'OAUTH_CLIENT_SECRET',
    'SMTP_PASS',
    'MYTOKEN',
  ])('%s has a secret name', (name) => expect(isSecretName(name)).toBe(true));

  it.each(['LOG_LEVEL', 'PORT', 'KEYCLOAK_URL', 'MONKEY_MODE', 'PASSTHROUGH', 'TOKENIZER_MODEL', 'NODE_ENV'])(
    '%s has not',
    (name) => expect(isSecretName(name)).toBe(false),
  );

  it('finds credentials in URLs and private keys, not in plain URLs', () => {
    expect(isSecretValue('postgres://app:s3cret@db:5432/app')).toBe(true);
    expect(isSecretValue('redis://:pw@cache:6379')).toBe(true);
    expect(isSecretValue('-----BEGIN RSA PRIVATE KEY-----\nabc')).toBe(true);
    expect(isSecretValue('https://api.example.com/v1')).toBe(false);
    expect(isSecretValue('http://user@host/')).toBe(false);
    expect(isSecretValue('info')).toBe(false);
  });
});

describe('seedEnv', () => {
  it('never copies a secret value into the rows', () => {
    const rows = seedEnv(base);
    expect(rows.map((row) => row.value)).toEqual(['info', '', '']);
    expect(rows.map((row) => row.secretOrigin)).toEqual([false, true, true]);
    expect(JSON.stringify(rows)).not.toContain('hunter2');
    expect(JSON.stringify(rows)).not.toContain('s3cret');
    expect(rows.every((row) => !isTouched(row, base))).toBe(true);
    expect(rows.slice(1).every(keepsSecret)).toBe(true);
  });
});

describe('buildEnv', () => {
  it('sends kept secrets with their stored values and the whole list in order', () => {
    const rows = edit(seedEnv(base), 'LOG_LEVEL', { value: 'debug' });
    const built = buildEnv(rows, base);
    expect(built.env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DB_PASSWORD', value: 'hunter2' },
      { name: 'DATABASE_URL', value: 'postgres://app:s3cret@db:5432/app' },
    ]);
    expect(built.rowKeys).toEqual(rows.map((row) => row.key));
    expect(built.problems.size).toBe(0);
  });

  it('sends a typed secret instead of the stored one, and a renamed secret keeps its value', () => {
    let rows = edit(seedEnv(base), 'DB_PASSWORD', { value: 'new-pass' });
    rows = edit(rows, 'DATABASE_URL', { name: 'PG_URL' });
    expect(buildEnv(rows, base).env.slice(1)).toEqual([
      { name: 'DB_PASSWORD', value: 'new-pass' },
      { name: 'PG_URL', value: 'postgres://app:s3cret@db:5432/app' },
    ]);
  });

  it('leaves out removed rows and blank added rows, trims names, keeps values as typed', () => {
    const rows = [
      ...seedEnv(base).filter((row) => row.origin !== 'DB_PASSWORD'),
      { ...blankRow() },
      { ...blankRow(), name: ' FEATURE_X ', value: ' on ' },
    ];
    const built = buildEnv(rows, base);
    expect(built.env.map((variable) => variable.name)).toEqual(['LOG_LEVEL', 'DATABASE_URL', 'FEATURE_X']);
    expect(built.env[2]?.value).toBe(' on ');
    expect(built.rowKeys).toHaveLength(3);
    expect(built.rowKeys[2]).toBe(rows[3]?.key);
  });

  it('cannot keep a secret that is no longer stored: it asks for the value', () => {
    const rows = seedEnv(base);
    const without = base.filter((variable) => variable.name !== 'DB_PASSWORD');
    const built = buildEnv(rows, without);
    expect(built.problems.get(rows[1]!.key)).toMatch(/DB_PASSWORD is no longer stored/);
    expect(built.env.map((variable) => variable.name)).toEqual(['LOG_LEVEL', 'DATABASE_URL']);
  });
});

describe('envChanged', () => {
  it('is false for the seeded rows and for an edit undone', () => {
    const rows = seedEnv(base);
    expect(envChanged(rows, base)).toBe(false);
    expect(envChanged([...rows, blankRow()], base)).toBe(false);
    const undone = edit(edit(rows, 'LOG_LEVEL', { value: 'x' }), 'LOG_LEVEL', { value: 'info' });
    expect(envChanged(undone, base)).toBe(false);
  });

  it('is true for an edit, a removal, a new secret value and a new order', () => {
    const rows = seedEnv(base);
    expect(envChanged(edit(rows, 'LOG_LEVEL', { value: 'debug' }), base)).toBe(true);
    expect(envChanged(rows.slice(1), base)).toBe(true);
    expect(envChanged(edit(rows, 'DB_PASSWORD', { value: 'x' }), base)).toBe(true);
    expect(envChanged([...rows].reverse(), base)).toBe(true);
  });
});

describe('isMasked', () => {
  it('masks stored secrets and rows whose typed name looks secret', () => {
    const [plain, secret] = seedEnv(base);
    expect(isMasked(plain!)).toBe(false);
    expect(isMasked(secret!)).toBe(true);
    expect(isMasked({ ...blankRow(), name: 'NEW_TOKEN' })).toBe(true);
    // Renamed to a harmless name, a stored secret stays hidden.
    expect(isMasked({ ...secret!, name: 'OTHER' })).toBe(true);
  });
});

describe('rebaseEnv and followEnv', () => {
  const next = [
    { name: 'LOG_LEVEL', value: 'warn' },
    { name: 'DB_PASSWORD', value: 'rotated' },
    { name: 'REGION', value: 'eu' },
  ];

  it('lets untouched rows follow the newer read and keeps the edits', () => {
    const rows = edit(seedEnv(base), 'DATABASE_URL', { name: 'PG_URL' });
    const rebased = rebaseEnv(rows, base, next);
    expect(rebased.map((row) => row.name)).toEqual(['LOG_LEVEL', 'DB_PASSWORD', 'PG_URL', 'REGION']);
    expect(rebased[0]).toMatchObject({ value: 'warn', key: rows[0]!.key });
    expect(buildEnv(rebased, next).env).toEqual([
      { name: 'LOG_LEVEL', value: 'warn' },
      { name: 'DB_PASSWORD', value: 'rotated' },
      // Renamed while its origin vanished from the newer read: it cannot be kept.
      { name: 'REGION', value: 'eu' },
    ]);
    expect(buildEnv(rebased, next).problems.get(rows[2]!.key)).toMatch(/DATABASE_URL/);
  });

  it('drops an untouched row the newer read removed, keeps an edited one, leaves removals removed', () => {
    const rows = edit(seedEnv(base), 'LOG_LEVEL', { value: 'trace' }).filter(
      (row) => row.origin !== 'DB_PASSWORD',
    );
    const rebased = rebaseEnv(rows, base, [{ name: 'DB_PASSWORD', value: 'x' }]);
    expect(rebased.map((row) => [row.name, row.value])).toEqual([['LOG_LEVEL', 'trace']]);
  });

  it('does not add a variable new in the newer read when a row already has its name', () => {
    const rows = [...seedEnv(base), { ...blankRow(), name: 'REGION', value: 'us' }];
    const rebased = rebaseEnv(rows, base, [...base, { name: 'REGION', value: 'eu' }]);
    expect(rebased.filter((row) => row.name === 'REGION').map((row) => row.value)).toEqual(['us']);
  });

  it('shows the newer read as it is for an unchanged draft, keeping keys and a blank row being filled in', () => {
    const rows = [...seedEnv(base), blankRow()];
    const followed = followEnv(rows, base, [next[2]!, next[0]!]);
    expect(followed.map((row) => row.name)).toEqual(['REGION', 'LOG_LEVEL', '']);
    expect(followed[1]!.key).toBe(rows[0]!.key);
    expect(followed[2]!.key).toBe(rows[3]!.key);
    expect(envChanged(followed, [next[2]!, next[0]!])).toBe(false);
  });
});

describe('envSummary', () => {
  it('names what saving would add, change, rename and remove', () => {
    let rows = edit(seedEnv(base), 'DB_PASSWORD', { value: 'x' });
    rows = edit(rows, 'LOG_LEVEL', { name: 'LEVEL' }).filter((row) => row.origin !== 'DATABASE_URL');
    rows.push({ ...blankRow(), name: 'NEW', value: '1' });
    const summary = envSummary(rows, base);
    expect(summary).toEqual({
      added: ['NEW'],
      changed: ['DB_PASSWORD'],
      renamed: [{ from: 'LOG_LEVEL', to: 'LEVEL' }],
      removed: ['DATABASE_URL'],
    });
    expect(describeEnvSummary(summary)).toBe(
      'add NEW; change DB_PASSWORD; rename LOG_LEVEL to LEVEL; remove DATABASE_URL',
    );
    expect(describeEnvSummary(envSummary(seedEnv(base), base))).toBe('');
  });
});

describe('envMessages', () => {
  it('puts env.<i> messages next to the row that was sent at i', () => {
    const sorted = envMessages(
      [
        { path: 'env.1.name', message: "must consist of alphabetic characters, digits, '_', '-', or '.'" },
        { path: 'env', message: 'must have no more than 1000 variables' },
      ],
      ['a', 'b'],
    );
    expect(sorted.rows.get('b')?.name).toMatch(/alphabetic/);
    expect(sorted.other).toHaveLength(1);
  });
});
