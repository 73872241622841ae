/**
 * What an API commit needs (the Git Data API path of `pullRequest.commitMethod: api`): built by the
 * workspace from the inspected snapshot (workspace/api-commit-plan.ts), sent by github/create-api-commit.ts.
 */
export interface ApiTreeEntry {
  path: string;
  /** `100644`, `100755`, `120000` (symlink) or `160000` (submodule). */
  mode: "100644" | "100755" | "120000" | "160000";
  type: "blob" | "commit";
  /** Blob (or submodule commit) id; null deletes the path from the base tree. */
  sha: string | null;
  /** Bytes of the blob, 0 for deletions and submodules. */
  size: number;
  /** False when GitHub already has the blob (a rename or a mode-only change of a base file). */
  upload: boolean;
}

export interface ApiCommitPlan {
  baseSha: string;
  baseTree: string;
  expectedTree: string;
  /** Deletions first, so a path that turns from a file into a directory is freed before it is reused. */
  entries: ApiTreeEntry[];
}
