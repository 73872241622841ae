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
      const octokit = await probot.auth(installationId);
      const auth = (await octokit.auth({
        type: "installation",
        ...(scope.repositoryIds ? { repositoryIds: scope.repositoryIds } : {}),
        permissions: { contents: "write", pull_requests: "write", issues: "write", metadata: "read" },
      })) as { token?: unknown };
      if (typeof auth.token !== "string") throw new Error("installation auth returned no token");
      return auth.token;
    },
  };
}
