/**
 * From the agent's work tree to a pushed commit, with the host's checks in between (THREATS
 * invariant 1: every write happens on the host, after the loop, on a diff the host inspected):
 * 1. list the changes; none -> null (the caller explains, no empty PR);
 * 2. CI/agent configuration changes are refused unless the repo allows them;
 * 3. the deterministic secret scan runs on the diff; a hit is never pushed (shown masked);
 * 4. commit as the app's bot with a Co-authored-by trailer for the requester;
 * 5. push without force, only if the remote branch is where we expect it.
 */
import type { EffectiveConfig } from "../config/repo-config.js";
import { RunStoppedError } from "./explain-failure.js";
import { executedChangesIn, type ExecutedChange } from "./executed-paths.js";
import { protectedPathsIn } from "./protected-paths.js";
import type { GitIdentity, TaskDeps } from "./task-deps.js";

export interface PublishParams {
  deps: TaskDeps;
  config: EffectiveConfig;
  dir: string;
  baseSha: string;
  pushUrl: string;
  branch: string;
  expectedRemoteSha: string | null;
  token: string;
  message: string;
  requester: { login: string; id: number };
}

export interface Published {
  sha: string;
  changedFiles: string[];
  configChanges: string[];
  /** Changed files that CI or tooling executes: warned about in the PR body and the status comment. */
  executedChanges: ExecutedChange[];
}

export function botIdentity(appSlug: string | undefined): GitIdentity {
  const slug = appSlug ?? "issue-agent";
  return { name: `${slug}[bot]`, email: `${slug}[bot]@users.noreply.github.com` };
}

export function coAuthorOf(requester: { login: string; id: number }): GitIdentity[] {
  // Bots (autofix runs started by a CI app) are not co-authors.
  if (requester.login.endsWith("[bot]")) return [];
  return [{ name: requester.login, email: `${requester.id}+${requester.login}@users.noreply.github.com` }];
}

export async function publishChanges(p: PublishParams): Promise<Published | null> {
  const { deps, dir } = p;
  const changedFiles = await deps.git.changedFiles({ dir, baseSha: p.baseSha });
  if (changedFiles.length === 0) return null;

  const configChanges = protectedPathsIn(changedFiles);
  if (configChanges.length > 0 && !p.config.pullRequest.allowConfigChanges) {
    throw new RunStoppedError(
      [
        "The agent changed CI or agent configuration, which this repository does not allow, so nothing was pushed:",
        ...configChanges.map((f) => `- \`${f}\``),
        "",
        "Set `pullRequest.allowConfigChanges: true` in `.github/agent.yml` on the default branch to allow it, or ask for a change that leaves these files alone.",
      ].join("\n"),
    );
  }

  const diff = await deps.git.unifiedDiff({ dir, baseSha: p.baseSha });
  const hits = await deps.scanDiffForSecrets(diff);
  if (hits.length > 0) {
    throw new RunStoppedError(
      [
        "The secret scan found what looks like a credential in the agent's changes, so nothing was pushed:",
        ...hits.slice(0, 10).map((h) => `- \`${h.path}\` line ${h.line}: ${h.title}`),
        "",
        "If these are test values, ask the agent to use obvious placeholders instead.",
      ].join("\n"),
    );
  }

  const sha = await deps.git.commitAll({ dir, message: p.message, author: botIdentity(deps.env.APP_SLUG), coAuthors: coAuthorOf(p.requester) });
  if (!sha) return null;
  await deps.git.push({ dir, url: p.pushUrl, branch: p.branch, token: p.token, expectedRemoteSha: p.expectedRemoteSha });
  return { sha, changedFiles, configChanges, executedChanges: executedChangesIn(changedFiles) };
}
