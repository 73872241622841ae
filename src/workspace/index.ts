/** The workspace module: scratch checkouts and git for the rest of the app. */
export { BranchMovedError, WorkspaceError, type WorkspaceErrorCode } from "./errors.js";
export {
  createWorkspace,
  removeTree,
  removeWorkspace,
  sweepOrphanWorkspaces,
  withWorkspace,
  workspacesRoot,
  type SweepOptions,
  type Workspace,
} from "./workspace-dir.js";
export { cloneRepo } from "./clone-repo.js";
export type { CloneRepoOptions, CloneResult, ExpandedTreeCaps } from "./clone-types.js";
export { assertValidBranchName, createBranch, isValidBranchName, issueBranchName, type CreateBranchOptions } from "./create-branch.js";
export { commitAll, formatCommitMessage, type CommitAllOptions, type GitIdentity } from "./commit-all.js";
export { pushBranch, type PushBranchOptions, type PushResult } from "./push-branch.js";
export { type ChangeStatus, type ChangedFile } from "./changed-files.js";
export { changedFiles } from "./list-changes.js";
export { unifiedDiff, type UnifiedDiffOptions } from "./unified-diff.js";
export { isGitMetadataPath } from "./compare-work-tree.js";
export { silentLog, type WorkspaceLog } from "./workspace-log.js";
export { createGitOps, type CreateGitOpsOptions, type WorkspaceGitOps } from "./create-git-ops.js";
