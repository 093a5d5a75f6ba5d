import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KubeObject } from '../api-types';

/** What a snapshot file holds: every object by storage key, and the resourceVersion counter. */
export interface Snapshot {
  version: 1;
  resourceVersion: number;
  resources: Record<string, KubeObject[]>;
}

export async function readSnapshot(file: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Snapshot;
  if (
    parsed.version !== 1 ||
    typeof parsed.resourceVersion !== 'number' ||
    typeof parsed.resources !== 'object'
  )
    throw new Error(`${file} is not a local-cluster snapshot`);
  return parsed;
}

/** Writes atomically (temporary file, then rename), so a crash never leaves half a snapshot. */
export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(snapshot));
  await rename(temporary, file);
}
