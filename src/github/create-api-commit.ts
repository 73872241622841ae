/**
 * A commit made through GitHub's Git Data API as the app, so GitHub signs it and shows it as
 * Verified (and repositories that require signed commits accept it):
 *  1. upload the blobs GitHub does not have yet, in batches read from the workspace worker, and
 *     check each returned id is the one git computed locally (same bytes);
 *  2. build the tree on top of the base commit's tree (`base_tree`), deletions as `sha: null`, in
 *     chunks of entries so a large change stays within GitHub's request limits;
 *  3. refuse unless GitHub's tree id equals the snapshot's tree: what was scanned is what is committed;
 *  4. create the commit without an author or committer (a custom one would not be signed), parent
 *     the commit the job started from, message with the Co-authored-by trailers;
 *  5. move the branch: create it only if it does not exist, or update it with `force: false` only
 *     if it still points at the expected sha (checked just before; the fast-forward-only update
 *     closes the remaining race, as the new commit's parent is that sha).
 * Same rules as the git push: never the default branch, never with force, an invalid name refused.
 */
import type { ApiCommitPlan, ApiTreeEntry } from "../shared/api-commit-plan.js";
import { isValidBranchName } from "../shared/branch-names.js";
import { AppError } from "../shared/errors.js";
import type { GitHubClient } from "./octokit.js";
import { statusOf, toGitHubError } from "./github-errors.js";

export type { ApiCommitPlan, ApiTreeEntry };

/** The branch is not where the job found it: the same code as a rejected git push, so it is explained the same way. */
export class RefMovedError extends AppError {
  constructor(
    readonly branch: string,
    readonly expected: string | null,
    readonly actual: string | null,
  ) {
    const short = (sha: string | null): string => (sha ? sha.slice(0, 12) : "(none)");
    const message = `Branch ${branch} moved on GitHub since the job started: expected ${short(expected)}, found ${short(actual)}.`;
    super("workspace/branch-moved", message, {
      userMessage: `${message} Nothing was committed, so no one's commits were overwritten; run the command again to work on top of the new commits.`,
    });
  }
}

export interface ApiCommitParams {
  owner: string;
  repo: string;
  branch: string;
  defaultBranch: string;
  /** The sha the branch must still point at (null: the branch must not exist yet). */
  expectedRemoteSha: string | null;
  plan: ApiCommitPlan;
  message: string;
  readBlobs(oids: string[]): Promise<{ oid: string; base64: string }[]>;
  /** Bytes of blob content read per worker call, and tree entries per create-tree request. */
  batch?: { blobBytes?: number; treeEntries?: number };
}

export interface ApiCommitResult {
  sha: string;
  /** GitHub's signature verification of the new commit (true when GitHub signed it). */
  verified: boolean;
}

type Octokit = Pick<GitHubClient, "rest">;

const WORKFLOW_REFUSAL = /refusing to allow a GitHub App to create or update workflow|workflows? permission/i;
const RULE_REFUSAL = /\bGH013\b|repository rule|protected branch|required status|signed commits|verified signatures|cannot update this protected ref/i;

function messageOf(error: unknown): string {
  const e = error as { message?: string; response?: { data?: { message?: string; errors?: unknown } } } | null;
  return [e?.response?.data?.message, JSON.stringify(e?.response?.data?.errors ?? ""), e?.message].filter(Boolean).join(" ");
}

/** A refusal GitHub explains (rules, protection, workflows) as the same user-facing errors as a refused push. */
function refusalOf(error: unknown, what: string): AppError {
  const text = messageOf(error);
  if (WORKFLOW_REFUSAL.test(text)) {
    return new AppError("github/push-refused", `GitHub refused the commit (${what}): refusing to allow a GitHub App to create or update workflow files.`, {
      cause: error,
      userMessage:
        "GitHub refused the commit because it creates or changes files under `.github/workflows/`, which needs the GitHub App's **workflows** permission. Leave workflow files out of the change, or apply that part by hand.",
    });
  }
  if (RULE_REFUSAL.test(text)) {
    return new AppError("github/push-refused", `GitHub refused the commit (${what}): repository rule violations (GH013).`, {
      cause: error,
      userMessage: `GitHub refused the commit because of the repository's rules or branch protection (GH013): ${text.replace(/[`<>@\r\n]/g, " ").slice(0, 300)}. A repository admin can allow the app in the ruleset.`,
    });
  }
  return toGitHubError(error, what);
}

async function currentSha(octokit: Octokit, owner: string, repo: string, branch: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw toGitHubError(error, "read the branch");
  }
}

async function uploadBlobs(octokit: Octokit, p: ApiCommitParams): Promise<void> {
  const maxBytes = p.batch?.blobBytes ?? 8 * 1024 * 1024;
  const pending = [...new Map(p.plan.entries.filter((e) => e.upload && e.sha).map((e) => [e.sha!, e.size])).entries()];
  while (pending.length > 0) {
    const batch: string[] = [];
    let bytes = 0;
    // At least one blob per batch, however large (the commit cap bounds it).
    while (pending.length > 0 && (batch.length === 0 || bytes + pending[0]![1] <= maxBytes)) {
      const [oid, size] = pending.shift()!;
      batch.push(oid);
      bytes += size;
    }
    for (const blob of await p.readBlobs(batch)) {
      let sha: string;
      try {
        ({
          data: { sha },
        } = await octokit.rest.git.createBlob({ owner: p.owner, repo: p.repo, content: blob.base64, encoding: "base64" }));
      } catch (error) {
        throw refusalOf(error, "upload a file");
      }
      if (sha !== blob.oid)
        throw new AppError("github/api", `GitHub stored blob ${sha} for local blob ${blob.oid}.`, {
          userMessage: "GitHub stored a file with different bytes than the workspace had, so nothing was committed.",
        });
    }
  }
}

function toTreeItem(e: ApiTreeEntry): { path: string; mode: ApiTreeEntry["mode"]; type: "blob" | "commit"; sha: string | null } {
  return { path: e.path, mode: e.mode, type: e.type, sha: e.sha };
}

async function buildTree(octokit: Octokit, p: ApiCommitParams): Promise<string> {
  const size = p.batch?.treeEntries ?? 1000;
  let tree = p.plan.baseTree;
  for (let i = 0; i < p.plan.entries.length; i += size) {
    const chunk = p.plan.entries.slice(i, i + size).map(toTreeItem);
    try {
      // Octokit's type says `sha: string`; GitHub documents `sha: null` as "delete this path".
      ({
        data: { sha: tree },
      } = await octokit.rest.git.createTree({
        owner: p.owner,
        repo: p.repo,
        base_tree: tree,
        tree: chunk as { path: string; mode: ApiTreeEntry["mode"]; type: "blob" | "commit"; sha: string }[],
      }));
    } catch (error) {
      throw refusalOf(error, "build the tree");
    }
  }
  return tree;
}

export async function createApiCommit(octokit: Octokit, p: ApiCommitParams): Promise<ApiCommitResult> {
  const { owner, repo, branch } = p;
  if (!isValidBranchName(branch)) throw new AppError("github/push-refused", `Refusing the invalid branch name ${JSON.stringify(branch.slice(0, 80))}.`);
  if (branch === p.defaultBranch) {
    throw new AppError("github/push-refused", `Refusing to commit to the default branch ${branch}.`, {
      userMessage: `The app never commits to the default branch \`${branch}\`, so nothing was pushed.`,
    });
  }
  // Fail before uploading anything when the branch already moved.
  const before = await currentSha(octokit, owner, repo, branch);
  if (before !== p.expectedRemoteSha) throw new RefMovedError(branch, p.expectedRemoteSha, before);

  await uploadBlobs(octokit, p);
  const tree = await buildTree(octokit, p);
  if (tree !== p.plan.expectedTree) {
    throw new AppError("github/api", `GitHub built tree ${tree}, expected ${p.plan.expectedTree}.`, {
      userMessage: "The tree GitHub built differs from the workspace's, so nothing was committed.",
    });
  }
  let commit: { sha: string; verification?: { verified: boolean } | undefined };
  try {
    ({ data: commit } = await octokit.rest.git.createCommit({ owner, repo, message: p.message, tree, parents: [p.plan.baseSha] }));
  } catch (error) {
    throw refusalOf(error, "create the commit");
  }

  try {
    if (p.expectedRemoteSha === null) await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commit.sha });
    else await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.sha, force: false });
  } catch (error) {
    const status = statusOf(error);
    const refused = refusalOf(error, "update the branch");
    if (refused.code === "github/push-refused") throw refused;
    // 422 "Reference already exists" / "Update is not a fast forward": someone moved the branch.
    if (status === 422) throw new RefMovedError(branch, p.expectedRemoteSha, await currentSha(octokit, owner, repo, branch));
    throw refused;
  }
  return { sha: commit.sha, verified: commit.verification?.verified === true };
}
