/**
 * From the agent's work tree to a pushed commit, with the host's checks in between (THREATS
 * invariant 1: every write happens on the host, after the loop, on a tree the host inspected).
 * All of it runs in the job's workspace worker, never on this process's event loop:
 * 1. snapshot the tree (lstat only, no FIFO/device/symlink-following, caps); anything it refuses
 *    stops the publish with the reason;
 * 2. none changed -> null (the caller explains, no empty PR);
 * 3. CI/agent configuration changes are refused unless the repo allows them;
 * 4. the deterministic secret scan ran on exactly the blobs to be committed; a hit, or a file it
 *    could not scan to the end, is never pushed;
 * 5. commit that snapshot as the app's bot with a Co-authored-by trailer for the requester;
 * 6. push without force, only if the remote branch is where we expect it.
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

const REFUSAL_TEXT: Record<string, string> = {
  "git-metadata": "git metadata (a nested `.git`)",
  "special-file": "a FIFO, socket or device, or a file that is not a regular file",
  "control-characters": "a file name with control characters",
  "invalid-utf8": "a file name that is not valid UTF-8",
  "too-large": "larger than the per-file cap",
  unreadable: "changed while it was being read",
};

/** A path in a code span that its own backticks cannot close; names with control characters never get here (refused, shown escaped). */
function fencedPath(p: string): string {
  const longest = Math.max(0, ...(p.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  return `${fence} ${p} ${fence}`;
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
  const inspected = await deps.git.inspectChanges({ dir, baseSha: p.baseSha });
  if (inspected.refused.length > 0) {
    throw new RunStoppedError(
      [
        "The work tree holds files that cannot be published, so nothing was pushed:",
        ...inspected.refused.slice(0, 20).map((r) => `- ${fencedPath(r.path)}: ${REFUSAL_TEXT[r.reason] ?? r.reason}`),
        ...(inspected.refused.length > 20 ? [`- …and ${inspected.refused.length - 20} more`] : []),
      ].join("\n"),
    );
  }
  const changedFiles = inspected.changedFiles;
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

  const hits = inspected.secretHits;
  if (inspected.unscanned.length > 0) {
    throw new RunStoppedError(
      [
        "The secret scan could not read these files to the end, so nothing was pushed:",
        ...inspected.unscanned.slice(0, 20).map((f) => `- ${fencedPath(f)}`),
      ].join("\n"),
    );
  }
  if (hits.length > 0) {
    throw new RunStoppedError(
      [
        "The secret scan found what looks like a credential in the agent's changes, so nothing was pushed:",
        ...hits.slice(0, 10).map((h) => `- ${fencedPath(h.path)} line ${h.line}: ${h.title}`),
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
