/**
 * A commit built from a snapshot's blob ids, without the index: trees are written bottom-up from
 * the flat path list, so the commit holds exactly the bytes that were scanned. The index is then
 * reset to the new commit so `git status` in the workspace is clean again.
 */
import fs from "node:fs";
import git, { type TreeEntry } from "isomorphic-git";
import { runGit } from "./native-git.js";

export interface CommitIdentity {
  name: string;
  email: string;
  timestamp: number;
  timezoneOffset: number;
}

export interface SnapshotCommitOptions {
  dir: string;
  files: Iterable<{ path: string; mode: number; oid: string }>;
  message: string;
  author: CommitIdentity;
  committer: CommitIdentity;
  nativeGit: boolean;
}

const TREE_MODE = "040000";

/** Write the trees for a flat file list; `gitdir` when the object store is not `dir/.git`. Returns the root tree id. */
export async function writeTrees(dir: string, files: Iterable<{ path: string; mode: number; oid: string }>, gitdir?: string): Promise<string> {
  const store = gitdir === undefined ? {} : { gitdir };
  const dirs = new Map<string, TreeEntry[]>([["", []]]);
  const ensure = (d: string): TreeEntry[] => {
    let list = dirs.get(d);
    if (!list) {
      list = [];
      dirs.set(d, list);
      const parent = d.includes("/") ? d.slice(0, d.lastIndexOf("/")) : "";
      ensure(parent);
    }
    return list;
  };
  for (const f of files) {
    const slash = f.path.lastIndexOf("/");
    const parent = slash < 0 ? "" : f.path.slice(0, slash);
    const name = f.path.slice(slash + 1);
    const type = f.mode === 0o160000 ? "commit" : "blob";
    ensure(parent).push({ mode: f.mode.toString(8).padStart(6, "0"), path: name, oid: f.oid, type });
  }
  // Deepest first, so every subtree's id exists before its parent is written.
  const order = [...dirs.keys()].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1));
  const written = new Map<string, string>();
  for (const d of order) {
    if (d === "") continue;
    const oid = await git.writeTree({ fs, dir, ...store, tree: dirs.get(d)! });
    written.set(d, oid);
    const slash = d.lastIndexOf("/");
    dirs.get(slash < 0 ? "" : d.slice(0, slash))!.push({ mode: TREE_MODE, path: d.slice(slash + 1), oid, type: "tree" });
  }
  return git.writeTree({ fs, dir, ...store, tree: dirs.get("")! });
}

/** Commit on top of HEAD and move the current branch (or detached HEAD) to it. */
export async function commitSnapshot(options: SnapshotCommitOptions): Promise<string> {
  const { dir, message, author, committer } = options;
  const tree = await writeTrees(dir, options.files);
  const head = await git.resolveRef({ fs, dir, ref: "HEAD" });
  const oid = await git.writeCommit({ fs, dir, commit: { message, tree, parent: [head], author, committer } });
  const branch = await git.currentBranch({ fs, dir, fullname: true });
  await git.writeRef({ fs, dir, ref: branch ?? "HEAD", value: oid, force: true });
  if (options.nativeGit) {
    await runGit(["read-tree", oid], { cwd: dir });
  } else {
    const changed = await git.walk({
      fs,
      dir,
      trees: [git.TREE({ ref: head }), git.TREE({ ref: oid })],
      map: async (filepath, [a, b]) => {
        if (filepath === ".") return undefined;
        const [ta, tb] = [await a?.type(), await b?.type()];
        if (ta === "tree" || tb === "tree") return undefined;
        return (await a?.oid()) === (await b?.oid()) && (await a?.mode()) === (await b?.mode()) ? undefined : filepath;
      },
    });
    for (const filepath of changed as string[]) {
      if (filepath) await git.resetIndex({ fs, dir, filepath, ref: oid }).catch(() => undefined);
    }
  }
  return oid;
}
