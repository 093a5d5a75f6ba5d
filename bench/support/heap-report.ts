/**
 * V8 heap in use of an app started with `reportDir`: SIGUSR2 makes Node write a diagnostic report (about 25 ms of
 * the app's time), whose `javascriptHeap.usedMemory` is read and the file removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { App } from './app-process';
import { waitFor } from './wait-for';

function readReport(file: string): { javascriptHeap?: { usedMemory?: number } } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { javascriptHeap?: { usedMemory?: number } };
  } catch {
    return undefined; // not completely written yet
  }
}

/** Heap used in MB, or undefined when the app writes no report within 5 s. */
export async function heapUsedOf(app: App, reportDir: string): Promise<number | undefined> {
  const mine = (f: string) => f.startsWith('report.') && f.includes(`.${app.pid}.`);
  for (const old of fs.readdirSync(reportDir).filter(mine)) fs.rmSync(path.join(reportDir, old));
  process.kill(app.pid, 'SIGUSR2');
  let used: number | undefined;
  try {
    await waitFor(
      `${app.name} diagnostic report`,
      () => {
        const file = fs.readdirSync(reportDir).find(mine);
        used = file ? readReport(path.join(reportDir, file))?.javascriptHeap?.usedMemory : undefined;
        return used !== undefined;
      },
      5_000,
    );
  } catch {
    return undefined;
  }
  for (const done of fs.readdirSync(reportDir).filter(mine)) fs.rmSync(path.join(reportDir, done));
  return Math.round(used! / 1024 / 1024);
}
