import fs from 'node:fs';
import { ConfigError } from '@cite/errors';
import { loadConfig, type CiteConfig } from './config';

/**
 * For main.ts: read the environment and the optional file once, and on any problem print one line naming
 * the key and stop the process with exit code 78 (EX_CONFIG).
 */
export function loadConfigOrExit(env: Record<string, string | undefined>, app: string): CiteConfig {
  try {
    const fileName = env['CITE_CONFIG_FILE'];
    let fileText: string | undefined;
    if (fileName) {
      try {
        fileText = fs.readFileSync(fileName, 'utf8');
      } catch (error) {
        throw new ConfigError(
          'CITE_CONFIG_FILE',
          `cannot read ${fileName}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        );
      }
    }
    return loadConfig({ env, ...(fileText === undefined ? {} : { fileText, fileName }) }, app);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`cite ${app}: configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
