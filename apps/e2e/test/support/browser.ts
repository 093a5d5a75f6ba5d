/**
 * The web UI's browser tests: Debian's Chromium driven headless by playwright-core (never a browser a tool
 * downloads), a fresh profile per launch, every console error, page error, failed request and 5xx recorded per
 * page, an axe-core check, and a screenshot of each page saved under `.local/test-artifacts/web/`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../../../..');
export const ARTIFACTS = path.join(root, '.local', 'test-artifacts', 'web');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Builds the UI with Vite (as `npm run build` does) into a directory of this test run. */
export function buildWeb(): string {
  const outDir = path.join(root, '.local', 'test-build', `web-${process.pid}`);
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      path.join(root, 'apps/web/vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
  return outDir;
}

export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-deps.sh`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
}

export interface Watched {
  /** What went wrong on the page since the last `take()`, and clears it. */
  take(): string[];
}

/**
 * Records what a user would call broken: console errors and warnings, uncaught errors, requests that failed (a
 * stream cut off by leaving its page is not one) and answers of 400 or more.
 */
export function watch(page: Page): Watched {
  let problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    if (failure === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${failure}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400)
      problems.push(`answer ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return {
    take() {
      const taken = problems;
      problems = [];
      return taken;
    },
  };
}

/** What `watch` recorded, less the answers with `statuses` the test asked for on purpose (a 400 shown in a form). */
export function expected(problems: string[], ...statuses: number[]): string[] {
  return problems.filter(
    (problem) =>
      !statuses.some(
        (status) =>
          problem.startsWith(`answer ${status}: `) ||
          problem.includes(`Failed to load resource: the server responded with a status of ${status}`),
      ),
  );
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's own content security policy stays as it is.
  await page.evaluate(axeSource);
  // A string, run in the page: this file is compiled without the DOM's types.
  const violations = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
  })()`)) as string[];
  return violations;
}

/** Saves a full-page screenshot as `<name>.png` among the test artifacts. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
