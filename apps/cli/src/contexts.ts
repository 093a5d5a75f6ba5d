/**
 * Where the CLI keeps its logins: `$XDG_CONFIG_HOME/cite/config.json` (else `~/.config/cite/config.json`), mode
 * 0600 in a 0700 directory, holding named contexts (url + token) and the one in use. `CITE_URL` and `CITE_TOKEN`
 * override it (CI). `CITE_CONFIG` names another file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './errors';

export interface Context {
  url: string;
  token: string;
}

export interface ConfigFile {
  current?: string;
  contexts: Record<string, Context>;
}

export function configPath(env: NodeJS.ProcessEnv): string {
  if (env['CITE_CONFIG']) return env['CITE_CONFIG'];
  const base = env['XDG_CONFIG_HOME'] || path.join(env['HOME'] || os.homedir(), '.config');
  return path.join(base, 'cite', 'config.json');
}

export function readConfig(file: string): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { contexts: {} };
  }
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    return { ...(parsed.current ? { current: parsed.current } : {}), contexts: parsed.contexts ?? {} };
  } catch {
    throw new CliError(`${file} is not valid JSON: fix or remove it, then cite login again`, EXIT.usage);
  }
}

/** Writes the file whole (a temporary file renamed over it), readable by its owner only. */
export function writeConfig(file: string, config: ConfigFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}

/** The API's base URL as typed (`localhost:8080`, `https://cite.example/`) → `http://localhost:8080`. */
export function normalizeUrl(given: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `http://${given}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`"${given}" is not a URL`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`"${given}" must be an http or https URL`, EXIT.usage);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}`;
}

/** The URL and token to use: CITE_URL / CITE_TOKEN first, then the context in use (or `--context`). */
export function resolveContext(
  env: NodeJS.ProcessEnv,
  file: string,
  name?: string,
): Context & { name: string } {
  const config = readConfig(file);
  const chosen = name ?? config.current;
  const stored = chosen ? config.contexts[chosen] : undefined;
  if (name && !stored) throw new CliError(`no context "${name}" (cite context list)`, EXIT.usage);
  const url = env['CITE_URL'] ? normalizeUrl(env['CITE_URL']) : stored?.url;
  const token = env['CITE_TOKEN'] || stored?.token;
  if (!url) throw new CliError('not logged in: cite login <url>, or set CITE_URL and CITE_TOKEN', EXIT.auth);
  if (!token) throw new CliError(`no token for ${url}: cite login ${url}, or set CITE_TOKEN`, EXIT.auth);
  return { name: env['CITE_URL'] ? '(CITE_URL)' : (chosen ?? ''), url, token };
}

/** A context name for a URL: its host and port (`localhost-8080`). */
export function contextNameOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}${parsed.port ? `-${parsed.port}` : ''}`.replace(/[^A-Za-z0-9.-]/g, '-');
}
