/**
 * One walk of a commit's tree against the working directory, shared by `commitAll` (what to stage)
 * and `changedFiles`/`unifiedDiff` (what changed). Untracked files that `.gitignore` ignores are
 * skipped exactly as `git status` would; paths with a `.git` component are reported separately so
 * the caller can refuse them rather than silently commit git metadata.
 */
import fs from "node:fs";
import git from "isomorphic-git";

export interface TreeSide {
  oid: string;
  /** 0o100644, 0o100755 or 0o120000 (symlink). */
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
  /** In the index. */
  stage: TreeSide | undefined;
}

export interface WorkTreeComparison {
  /** Every file that exists in the base, the work tree or the index (directories excluded). */
  entries: ComparedEntry[];
  /** Work-tree paths under a nested `.git` (or a look-alike such as `.GIT`), never staged. */
  gitMetadataPaths: string[];
}

/** `.git` in any case, with the trailing dots/spaces Windows strips, or its 8.3 short name. */
const GIT_DIR_NAME = /^(\.git[. ]*|git~\d+)$/i;

export function isGitMetadataPath(filepath: string): boolean {
  return filepath.split("/").some((part) => GIT_DIR_NAME.test(part));
}

export async function compareWorkTree(dir: string, baseRef: string, cache: object = {}): Promise<WorkTreeComparison> {
  const gitMetadataPaths: string[] = [];
  const results = await git.walk({
    fs,
    dir,
    cache,
    trees: [git.TREE({ ref: baseRef }), git.WORKDIR(), git.STAGE()],
    map: async (filepath, [base, work, stage]) => {
      if (filepath === ".") return undefined;
      if (filepath === ".git") return null;
      // Before the ignore check: isomorphic-git treats every `.git` as ignored, which would hide a
      // nested one instead of refusing it.
      if (isGitMetadataPath(filepath)) {
        if (work) gitMetadataPaths.push(filepath);
        return null;
      }
      if (!base && !stage && work && (await git.isIgnored({ fs, dir, filepath }))) return null;
      const [baseType, workType, stageType] = await Promise.all([base?.type(), work?.type(), stage?.type()]);
      const baseBlob = baseType === "blob";
      const workBlob = workType === "blob";
      const stageBlob = stageType === "blob";
      if (!baseBlob && !workBlob && !stageBlob) return undefined; // a directory: descend only
      const entry: ComparedEntry = {
        path: filepath,
        base: baseBlob && base ? { oid: await base.oid(), mode: await base.mode() } : undefined,
        work: undefined,
        stage: stageBlob && stage ? { oid: await stage.oid(), mode: await stage.mode() } : undefined,
      };
      if (workBlob && work) {
        const stat = await work.stat();
        entry.work = { oid: await work.oid(), mode: await work.mode(), size: stat.size };
      } else if (workType === "special" && work) {
        // Sockets and FIFOs cannot be committed; report them like git metadata: refused, not dropped silently.
        gitMetadataPaths.push(filepath);
      }
      return entry;
    },
  });
  const entries = (results as (ComparedEntry | undefined)[]).filter((e): e is ComparedEntry => e !== undefined);
  return { entries, gitMetadataPaths };
}
