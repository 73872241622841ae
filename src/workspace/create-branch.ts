/**
 * Branch names for the app's work and the branch operation itself. Names are validated here even
 * though tasks build them from numbers: a PR's head branch comes from GitHub and is only trusted
 * after this check (no `..`, no leading `-`, no `@{`, no control characters, no `.lock`).
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { isValidBranchName } from "../shared/branch-names.js";
import { WorkspaceError } from "./errors.js";

export { isValidBranchName };

export function assertValidBranchName(name: string): void {
  if (!isValidBranchName(name)) throw new WorkspaceError("workspace/push", `Refusing the invalid branch name ${JSON.stringify(name.slice(0, 80))}.`);
}

/** `agent/issue-42-fix-the-login-bug`: prefix from config, the number, and an ASCII slug of the title. */
export function issueBranchName(prefix: string, issueNumber: number, title = ""): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  const name = `${prefix}issue-${issueNumber}${slug ? `-${slug}` : ""}`;
  assertValidBranchName(name);
  return name;
}

export interface CreateBranchOptions {
  dir: string;
  name: string;
  /** Move the branch to HEAD if it already exists (continuing a PR branch after a detached clone). */
  force?: boolean;
}

/** Create `name` at HEAD and check it out (the work tree is unchanged). */
export async function createBranch({ dir, name, force = false }: CreateBranchOptions): Promise<void> {
  assertValidBranchName(name);
  try {
    await git.branch({ fs, dir, ref: name, checkout: true, force });
  } catch (error) {
    if ((error as { code?: string }).code === "AlreadyExistsError") {
      throw new WorkspaceError("workspace/commit-refused", `Branch ${name} already exists in the workspace.`, { cause: error });
    }
    throw error;
  }
}
