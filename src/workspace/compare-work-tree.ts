/**
 * The shape both sides of a comparison share: a file as it is in the base commit and as it is in
 * the work tree (from `snapshotWorkTree`). `classify` (changed-files.ts) turns a list of these
 * into added/modified/deleted/renamed files.
 */
export interface TreeSide {
  oid: string;
  /** 0o100644, 0o100755, 0o120000 (symlink) or 0o160000 (submodule). */
  mode: number;
}

export interface WorkSide extends TreeSide {
  size: number;
}

export interface ComparedEntry {
  path: string;
  /** In the base commit. */
  base: TreeSide | undefined;
  /** In the working directory. */
  work: WorkSide | undefined;
  /** In the index (unused since commits are built from snapshots; kept for callers' shapes). */
  stage: TreeSide | undefined;
}

/** `.git` in any case, with the trailing dots/spaces Windows strips, or its 8.3 short name. */
const GIT_DIR_NAME = /^(\.git[. ]*|git~\d+)$/i;

export function isGitMetadataPath(filepath: string): boolean {
  return filepath.split("/").some((part) => GIT_DIR_NAME.test(part));
}
