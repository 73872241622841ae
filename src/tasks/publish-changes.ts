/**
 * From the agent's work tree to a pushed commit, with the host's checks in between (THREATS
 * invariant 1: every write happens on the host, after the loop, on a tree the host inspected).
 * All of it runs in the job's workspace worker, never on this process's event loop:
 * 1. snapshot the tree (lstat only, no FIFO/device/symlink-following, caps); anything it refuses
 *    stops the publish with the reason;
 * 2. none changed -> null (the caller explains, no empty PR);
 * 3. CI/agent configuration changes are refused unless the repo allows them;
 * 4. the deterministic secret scan ran on exactly the blobs to be committed; a hit, or a file it
 *    could not scan to the end, is never pushed (a placeholder-tier hit alone, a credential's format
 *    holding a made-up value, does not stop it: the review reports those at low severity);
 * 5. commit that snapshot with a Co-authored-by trailer for the requester, either
 *    - `api` (default): through GitHub's Git Data API as the app, so GitHub signs it (Verified);
 *    - `git`: as the app's bot with isomorphic-git, then push;
 * 6. the branch moves without force, only if it is where we expect it.
 */
import type { EffectiveConfig } from "../config/repo-config.js";
import type { RepoGitHub } from "../github/repo-github.js";
import { formatCommitMessage } from "../workspace/commit-all.js";
import { outboundCode, outboundText } from "../shared/format-outbound.js";
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
  /** The app's login (`<slug>[bot]`, the port's `botLogin`): the author of a git commit. */
  botLogin: string | undefined;
  /** Where an `api` commit goes (the repository's port); absent (a fork PR) -> the git push, with `methodNote` saying why. */
  api?: { gh: Pick<RepoGitHub, "createApiCommit">; defaultBranch: string } | undefined;
}

export type CommitMethod = "api" | "git";

export interface Published {
  sha: string;
  changedFiles: string[];
  configChanges: string[];
  method: CommitMethod;
  /** GitHub signed the commit (api method). */
  verified: boolean;
  /** Changed paths that exist in the new commit (not deleted). */
  keptFiles: string[];
  /** Changed files that CI or tooling executes: warned about in the PR body and the status comment. */
  executedChanges: ExecutedChange[];
}

const REFUSAL_TEXT: Record<string, string> = {
  "git-metadata": "git metadata (a nested `.git`)",
  "special-file": "a FIFO, socket or device, or a file that is not a regular file",
  "control-characters": "a file name with control characters",
  "invalid-utf8": "a file name that is not valid UTF-8",
  "too-large": "larger than the per-file cap",
  unreadable: "changed while it was being read",
};

/** The git author of the app's commits; `issue-agent[bot]` while GitHub has not told the app its login. */
export function botIdentity(botLogin: string | undefined): GitIdentity {
  const login = botLogin ?? "issue-agent[bot]";
  return { name: login, email: `${login}@users.noreply.github.com` };
}

export function coAuthorOf(requester: { login: string; id: number }): GitIdentity[] {
  // Bots (autofix runs started by a CI app) are not co-authors.
  if (requester.login.endsWith("[bot]")) return [];
  return [{ name: requester.login, email: `${requester.id}+${requester.login}@users.noreply.github.com` }];
}

export async function publishChanges(p: PublishParams): Promise<Published | null> {
  const { deps, dir } = p;
  const inspected = await deps.git.inspectChanges({ dir, baseSha: p.baseSha });
  if (inspected.refused.length > 0) {
    throw new RunStoppedError(
      [
        "The work tree holds files that cannot be published, so nothing was pushed:",
        ...inspected.refused.slice(0, 20).map((r) => `- ${outboundCode(r.path)}: ${REFUSAL_TEXT[r.reason] ?? r.reason}`),
        ...(inspected.refused.length > 20 ? [`- …and ${inspected.refused.length - 20} more`] : []),
      ].join("\n"),
    );
  }
  const changedFiles = inspected.changedFiles;
  if (changedFiles.length === 0) return null;
  const keptFiles = inspected.files ? inspected.files.filter((f) => f.status !== "deleted").map((f) => f.path) : [];

  const configChanges = protectedPathsIn(changedFiles);
  if (configChanges.length > 0 && !p.config.pullRequest.allowConfigChanges) {
    throw new RunStoppedError(
      [
        "The agent changed CI or agent configuration, which this repository does not allow, so nothing was pushed:",
        ...configChanges.slice(0, 50).map((f) => `- ${outboundCode(f)}`),
        "",
        "Set `pullRequest.allowConfigChanges: true` in `.github/agent.yml` on the default branch to allow it, or ask for a change that leaves these files alone.",
      ].join("\n"),
    );
  }

  const hits = inspected.secretHits.filter((h) => !h.placeholder);
  if (inspected.unscanned.length > 0) {
    throw new RunStoppedError(
      [
        "The secret scan could not read these files to the end, so nothing was pushed:",
        ...inspected.unscanned.slice(0, 20).map((f) => `- ${outboundCode(f)}`),
      ].join("\n"),
    );
  }
  if (hits.length > 0) {
    throw new RunStoppedError(
      [
        "The secret scan found what looks like a credential in the agent's changes, so nothing was pushed:",
        ...hits.slice(0, 10).map((h) => `- ${outboundCode(h.path)} line ${h.line}: ${outboundText(h.title)}`),
        "",
        "If these are test values, ask the agent to use obvious placeholders instead.",
      ].join("\n"),
    );
  }

  if (p.config.pullRequest.commitMethod === "api" && p.api) {
    const plan = await deps.git.apiCommitPlan({ dir });
    const commit = await p.api.gh.createApiCommit({
      defaultBranch: p.api.defaultBranch,
      branch: p.branch,
      expectedRemoteSha: p.expectedRemoteSha,
      plan,
      message: formatCommitMessage(p.message, coAuthorOf(p.requester)),
      readBlobs: (oids) => deps.git.readBlobs({ dir, oids }),
    });
    return {
      sha: commit.sha,
      changedFiles,
      configChanges,
      executedChanges: executedChangesIn(changedFiles),
      method: "api",
      verified: commit.verified,
      keptFiles,
    };
  }
  const sha = await deps.git.commitAll({ dir, message: p.message, author: botIdentity(p.botLogin), coAuthors: coAuthorOf(p.requester) });
  if (!sha) return null;
  await deps.git.push({ dir, url: p.pushUrl, branch: p.branch, token: p.token, expectedRemoteSha: p.expectedRemoteSha });
  return { sha, changedFiles, configChanges, executedChanges: executedChangesIn(changedFiles), method: "git", verified: false, keptFiles };
}

/** One line for the status comment: how the commit was made, and why git when the repo asked for the API. */
export function describeCommitMethod(published: Published, configured: CommitMethod): string {
  if (published.method === "api")
    return published.verified ? "Committed through the GitHub API as the app: GitHub signed it (Verified)." : "Committed through the GitHub API as the app.";
  if (configured === "api")
    return "Pushed with git (unsigned): GitHub's API cannot commit to a fork's branch, so the push used the maintainer-edit access the fork allows.";
  return "Pushed with git (`pullRequest.commitMethod: git`), so the commit is not signed.";
}
