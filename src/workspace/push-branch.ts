/**
 * Push a local branch without force. The expected remote sha is checked inside isomorphic-git's
 * `onPrePush`, after ref discovery, and the push then sends that sha as the update's old value:
 * the server (receive-pack) applies the update only if the ref still points there, so a human's
 * commit landing at any moment is never overwritten.
 */
import fs from "node:fs";
import git, { Errors } from "isomorphic-git";
import { AppError } from "../shared/errors.js";
import { redactSecrets } from "../shared/redact.js";
import { BranchMovedError, WorkspaceError } from "./errors.js";
import { assertCredentialFreeUrl, gitAuth } from "./git-auth.js";
import { assertValidBranchName } from "./create-branch.js";
import { describeUrl, translateGitError } from "./git-errors.js";
import { limitedHttp } from "./limited-http.js";
import { silentLog, type WorkspaceLog } from "./workspace-log.js";

const ZERO_SHA = "0".repeat(40);
const WORKFLOW_REFUSAL = /refusing to allow a (GitHub App|OAuth App|Personal Access Token) to create or update workflow/i;
const RULESET_REFUSAL = /\bGH013\b|repository rule violations/i;

export interface PushBranchOptions {
  dir: string;
  url: string;
  token: string;
  /** Local branch to push. */
  branch: string;
  /** Remote branch name; defaults to `branch`. */
  remoteBranch?: string | undefined;
  /**
   * Where the remote branch must be before the push: the sha it had when the job started, or null
   * when the branch must not exist yet. Undefined skips the check (non-fast-forward still fails).
   */
  expectedRemoteSha?: string | null | undefined;
  signal?: AbortSignal | undefined;
  log?: WorkspaceLog | undefined;
  cache?: object | undefined;
}

export interface PushResult {
  /** The sha the remote branch now points to. */
  sha: string;
  remoteRef: string;
  /** The sha it pointed to before (null: the push created it). */
  previousSha: string | null;
}

export async function pushBranch(options: PushBranchOptions): Promise<PushResult> {
  const { dir, url, token, branch, expectedRemoteSha, signal, log = silentLog, cache = {} } = options;
  const remoteRef = `refs/heads/${options.remoteBranch ?? branch}`;
  assertCredentialFreeUrl(url);
  assertValidBranchName(branch);
  assertValidBranchName(options.remoteBranch ?? branch);
  const where = describeUrl(url);
  const messages: string[] = [];
  let moved: BranchMovedError | undefined;
  let previousSha: string | null = null;
  const sha = await git.resolveRef({ fs, dir, ref: `refs/heads/${branch}` });
  log.info({ url: where, branch, remoteRef, sha, expectedRemoteSha }, "push started");

  try {
    await git.push({
      fs,
      http: limitedHttp({ signal }),
      dir,
      cache,
      url,
      ref: `refs/heads/${branch}`,
      remoteRef,
      force: false,
      signal,
      ...gitAuth(token),
      onMessage: (line) => {
        messages.push(line);
      },
      onPrePush: ({ remoteRef: remote }) => {
        previousSha = remote.oid === ZERO_SHA ? null : remote.oid;
        if (expectedRemoteSha !== undefined && previousSha !== expectedRemoteSha) {
          moved = new BranchMovedError(options.remoteBranch ?? branch, expectedRemoteSha, previousSha);
          return false;
        }
        return true;
      },
    });
  } catch (error) {
    // isomorphic-git reports server messages without awaiting them; let them land first.
    await new Promise((resolve) => setImmediate(resolve));
    const translated = translatePushError(error, {
      moved,
      messages,
      url,
      token,
      branch: options.remoteBranch ?? branch,
      expected: expectedRemoteSha,
      previousSha,
    });
    log.warn({ url: where, branch, remoteRef, code: translated.code }, "push failed");
    throw translated;
  }
  log.info({ url: where, branch, remoteRef, sha, previousSha }, "push finished");
  return { sha, remoteRef, previousSha };
}

interface PushContext {
  moved: BranchMovedError | undefined;
  messages: readonly string[];
  url: string;
  token: string;
  branch: string;
  expected: string | null | undefined;
  previousSha: string | null;
}

function translatePushError(error: unknown, ctx: PushContext): AppError {
  const e = error as { code?: string; data?: { reason?: string } } | undefined;
  if (ctx.moved && e?.code === Errors.UserCanceledError.code) return ctx.moved;
  if (e?.code === Errors.PushRejectedError.code) {
    // Client-side non-fast-forward: the remote has commits we do not.
    return new BranchMovedError(ctx.branch, ctx.expected ?? null, ctx.previousSha);
  }
  const text = `${String((error as Error | undefined)?.message ?? "")}\n${ctx.messages.join("\n")}`;
  if (WORKFLOW_REFUSAL.test(text)) {
    return new WorkspaceError(
      "workspace/push",
      `Push to ${describeUrl(ctx.url)} refused: the change touches workflow files and the app lacks the workflows permission.`,
      {
        userMessage:
          "GitHub refused the push because it creates or changes files under `.github/workflows/`, which needs the GitHub App's **workflows** permission. Leave workflow files out of the change, or apply that part by hand.",
      },
    );
  }
  if (RULESET_REFUSAL.test(text)) {
    return new WorkspaceError("workspace/push", `Push to ${describeUrl(ctx.url)} refused by repository rules (GH013).`, {
      userMessage:
        "GitHub refused the push because of the repository's rules or branch protection (GH013). A repository admin can allow the app in the ruleset.",
    });
  }
  if (e?.code === Errors.GitPushError.code) {
    return new WorkspaceError(
      "workspace/push",
      `Push to ${describeUrl(ctx.url)} was rejected: ${redactSecrets(String((error as Error).message), [ctx.token]).trim()}`,
      {
        userMessage: "The git server rejected the push.",
      },
    );
  }
  return translateGitError(error, { operation: "push", url: ctx.url, secrets: [ctx.token] });
}
