import { PassThrough } from 'node:stream';
import { normalizeUrl, resolveContext, writeConfig } from './contexts';
import { CliError, exitCodeOf } from './errors';
import { age, failureLine, table } from './output';
import { buildProgram, parseDuration, parsePairs, run } from './program';
import { completionScript } from './completion';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function io(env: Record<string, string> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  return { io: { out, err, in: new PassThrough(), env }, text: () => ({ stdout, stderr }) };
}

describe('arguments', () => {
  it('reads NAME=value pairs, keeping = inside values, and names a bad one', () => {
    expect(parsePairs(['A=1', 'B=x=y', 'C='])).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'x=y' },
      { name: 'C', value: '' },
    ]);
    expect(() => parsePairs(['=1'])).toThrow('env "=1" must be NAME=value');
  });

  it.each([
    ['45', 45],
    ['30s', 30],
    ['5m', 300],
    ['2h', 7200],
    ['1d', 86400],
  ])('reads the duration %s as %i s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it('refuses a duration it cannot read', () =>
    expect(() => parseDuration('soon')).toThrow(/--since "soon"/));

  it.each([
    ['localhost:8080', 'http://localhost:8080'],
    ['https://cite.example/', 'https://cite.example'],
    ['http://127.0.0.1:8080/api/v1', 'http://127.0.0.1:8080'],
  ])('normalizes the URL %s to %s', (given, url) => expect(normalizeUrl(given)).toBe(url));

  it('refuses a URL of another scheme', () => expect(() => normalizeUrl('ftp://x')).toThrow(/http or https/));
});

describe('contexts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-cli-unit-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lets CITE_URL and CITE_TOKEN win over the saved context, and says what is missing', () => {
    const file = path.join(dir, 'config.json');
    writeConfig(file, { current: 'a', contexts: { a: { url: 'http://a:1', token: 'ta' } } });
    expect(resolveContext({}, file)).toEqual({ name: 'a', url: 'http://a:1', token: 'ta' });
    expect(resolveContext({ CITE_URL: 'b:2', CITE_TOKEN: 'tb' }, file)).toEqual({
      name: '(CITE_URL)',
      url: 'http://b:2',
      token: 'tb',
    });
    expect(() => resolveContext({}, path.join(dir, 'none.json'))).toThrow(/not logged in/);
    expect(() => resolveContext({ CITE_URL: 'b:2' }, path.join(dir, 'none.json'))).toThrow(
      'no token for http://b:2',
    );
    expect(() => resolveContext({}, file, 'zz')).toThrow('no context "zz"');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('exit codes and failure lines', () => {
  it.each([
    [400, 2],
    [401, 3],
    [403, 3],
    [404, 4],
    [409, 5],
    [503, 6],
  ])('HTTP %i exits %i', (status, code) => expect(exitCodeOf(status)).toBe(code));

  it("prints the API's message and the fields at fault, once", () => {
    expect(
      failureLine(new CliError('invalid service', 2, [{ path: 'port', message: 'must be 1–65535' }])),
    ).toEqual({
      line: 'cite: invalid service (port: must be 1–65535)',
      code: 2,
    });
    expect(failureLine(new CliError('gone', 4, [{ path: 'name', message: 'gone' }])).line).toBe('cite: gone');
  });

  it('exits 2 for unknown commands and 0 for help, with no stack trace', async () => {
    const unknown = io();
    expect(await run(['frobnicate'], unknown.io)).toBe(2);
    expect(unknown.text().stderr).toMatch(/unknown command 'frobnicate'/);
    const help = io();
    expect(await run(['--help'], help.io)).toBe(0);
    expect(help.text().stdout).toMatch(/^Usage: cite/);
  });
});

describe('output', () => {
  it('lays out tables without borders, headings upper-cased', () => {
    expect(
      table(
        ['name', 'pods'],
        [
          ['web', '2/2'],
          ['api-long', undefined],
        ],
      ),
    ).toBe('NAME      PODS\nweb       2/2\napi-long\n');
  });

  it('says ages the short way', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(age('2026-01-01T23:59:30Z', now)).toBe('30s');
    expect(age('2026-01-01T23:00:00Z', now)).toBe('60m');
    expect(age('2026-01-01T00:00:00Z', now)).toBe('24h');
    expect(age('2025-12-20T00:00:00Z', now)).toBe('13d');
  });

  it('completes every command from the program itself', () => {
    const program = buildProgram(io().io, () => undefined);
    const script = completionScript(program, 'bash');
    for (const command of ['deploy', 'rollback', 'logs', 'tokens', 'completion'])
      expect(script).toContain(command);
    expect(script).toContain('"tokens") words="create list revoke');
    expect(completionScript(program, 'zsh')).toMatch(/^# cite completion for zsh[\s\S]*bashcompinit/);
  });
});
