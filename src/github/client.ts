/**
 * The Octokit the app uses everywhere (Probot's, with retry, throttling and pagination), and the
 * factory the worker uses to get one per installation. Tests inject a factory over a nocked
 * Octokit; production builds it from the Probot instance.
 */
import type { Probot, ProbotOctokit } from "probot";

export type GitHubClient = ProbotOctokit;

export interface InstallationTokenScope {
  /** Narrow the token to this repository (THREATS A12). */
  repositoryIds?: number[];
}

export interface GitHubClientFactory {
  /** An Octokit authenticated as the installation. */
  forInstallation(installationId: number): Promise<GitHubClient>;
  /** An installation token for git over HTTPS; goes only to isomorphic-git's onAuth. */
  installationToken(installationId: number, scope?: InstallationTokenScope): Promise<string>;
}

export function createProbotClientFactory(probot: Pick<Probot, "auth">): GitHubClientFactory {
  return {
    forInstallation: (installationId) => probot.auth(installationId),
    async installationToken(installationId, scope = {}) {
      // Minted through the app's own Octokit, which carries the GHE base URL: an explicit
      // `octokit.auth({ type: "installation" })` uses auth-app's internal request, which Probot
      // builds without baseUrl, so on GitHub Enterprise it would ask api.github.com.
      const app = await probot.auth();
      const { data } = await app.request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: installationId,
        ...(scope.repositoryIds ? { repository_ids: scope.repositoryIds } : {}),
        permissions: { contents: "write", pull_requests: "write", issues: "write", metadata: "read" },
      });
      return data.token;
    },
  };
}
