/** The GitHub API client as configured (`CITE_GITHUB_*`), or undefined when no token or App is configured. */
import { readFileSync } from 'node:fs';
import type { CiteConfig } from '@cite/config';
import { createGitHubApi, type GitHubApi } from './client';

export function githubApiFromConfig(config: CiteConfig['github']): GitHubApi | undefined {
  if (config.app) {
    return createGitHubApi({
      baseUrl: config.apiUrl,
      app: { appId: config.app.appId, privateKey: readFileSync(config.app.privateKeyFile, 'utf8') },
    });
  }
  if (config.token) return createGitHubApi({ baseUrl: config.apiUrl, token: config.token });
  return undefined;
}
