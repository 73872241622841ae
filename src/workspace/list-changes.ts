/**
 * What the job changed: the work tree compared with the commit the job started from, through the
 * same hostile-tree snapshot the commit uses. Renames are exact-content matches between a deleted
 * and an added path, as git's default similarity would report them at 100%.
 */
import type { ChangedFile } from "./changed-files.js";
import { detectNativeGit } from "./native-git.js";
import { prepareChanges } from "./prepare-changes.js";
import { DEFAULT_TREE_CAPS, type TreeCaps } from "./snapshot-work-tree.js";

export async function changedFiles(dir: string, baseSha: string, cache: object = {}, caps: TreeCaps = DEFAULT_TREE_CAPS): Promise<ChangedFile[]> {
  const nativeGit = (await detectNativeGit()) !== null;
  const prepared = await prepareChanges({ dir, baseRef: baseSha, caps, maxFileBytes: caps.maxTotalBytes, nativeGit, cache });
  return prepared.changed;
}
