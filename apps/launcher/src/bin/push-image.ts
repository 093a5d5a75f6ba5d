/**
 * `npm run push-image -- <repository>:<tag> [...]`: pushes a minimal one-layer image into the registry `npm start`
 * runs (its URL is in `<local dir>/registry/url`), over the Registry v2 HTTP API. Settings come from `@cite/config`:
 * `CITE_LOCAL_REGISTRY_URL` names another registry, `CITE_LOCAL_DIR` another local directory; a bad value stops it
 * with one line naming the key and exit code 78. A reference may carry the registry host
 * (`127.0.0.1:5000/demo/web:1`); it must then be that registry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '@cite/config';
import { pushImage } from '@cite/local-services';
import { localDirOf } from '../settings';

const config = loadConfigOrExit(process.env, 'push-image');
const root = path.resolve(import.meta.dirname, '../../..');
const urlFile = path.join(localDirOf(config, root), 'registry', 'url');

function fail(message: string): never {
  process.stderr.write(`push-image: ${message}\n`);
  process.exit(1);
}

const refs = process.argv.slice(2);
if (refs.length === 0 || refs.some((ref) => ref === '-h' || ref === '--help'))
  fail('usage: npm run push-image -- <repository>:<tag> [...]   e.g. npm run push-image -- demo/web:1');

let url = config.local.registryUrl;
if (!url) {
  try {
    url = fs.readFileSync(urlFile, 'utf8').trim();
  } catch {
    const below = path.relative(root, urlFile);
    fail(
      `no registry known: start it with npm start (it writes ${below.startsWith('..') ? urlFile : below})`,
    );
  }
}
const host = new URL(url).host;

for (const ref of refs) {
  let rest = ref;
  const slash = ref.indexOf('/');
  if (slash > 0 && /[.:]|^localhost$/.test(ref.slice(0, slash))) {
    if (ref.slice(0, slash) !== host) fail(`${ref}: this registry is ${host}`);
    rest = ref.slice(slash + 1);
  }
  const colon = rest.lastIndexOf(':');
  if (colon <= 0 || colon === rest.length - 1) fail(`${ref}: expected <repository>:<tag>, e.g. demo/web:1`);
  const repository = rest.slice(0, colon);
  const tag = rest.slice(colon + 1);
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(repository))
    fail(`${ref}: repository must be lowercase path components like demo/web`);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) fail(`${ref}: invalid tag "${tag}"`);
  try {
    const digest = await pushImage(url, repository, tag);
    process.stdout.write(`pushed ${host}/${repository}:${tag} ${digest}\n`);
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    fail(`${ref}: ${(error as Error).message}${cause ? ` (${cause})` : ''} — is npm start running? (${url})`);
  }
}
