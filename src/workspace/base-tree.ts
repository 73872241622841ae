/**
 * Every entry of a commit's tree as path -> { mode, oid }, read from the object store (never from
 * the work tree): with the machine's git when there is one (`ls-tree -r -z`, fast on big trees),
 * else with isomorphic-git. Gitlinks (submodules, mode 160000) are included so a commit built
 * from a snapshot keeps them.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import type { BaseEntry } from "./snapshot-work-tree.js";
import { runGit } from "./native-git.js";

export const GITLINK_MODE = 0o160000;

export async function listBaseTree(
  dir: string,
  ref: string,
  options: { nativeGit: boolean; cache?: object; gitdir?: string },
): Promise<Map<string, BaseEntry>> {
  const out = new Map<string, BaseEntry>();
  if (options.nativeGit) {
    const { stdout } = await runGit(["ls-tree", "-r", "-z", "--full-tree", ref], { cwd: dir, maxStdoutBytes: 512 * 1024 * 1024 });
    for (const record of stdout.toString("utf8").split("\0")) {
      if (!record) continue;
      const tab = record.indexOf("\t");
      const [mode, , oid] = record.slice(0, tab).split(" ");
      out.set(record.slice(tab + 1), { mode: parseInt(mode!, 8), oid: oid! });
    }
    return out;
  }
  const cache = options.cache ?? {};
  await git.walk({
    fs,
    dir,
    ...(options.gitdir === undefined ? {} : { gitdir: options.gitdir }),
    cache,
    trees: [git.TREE({ ref })],
    map: async (filepath, [entry]) => {
      if (filepath === "." || !entry) return undefined;
      const type = await entry.type();
      if (type === "tree") return undefined;
      out.set(filepath, { mode: await entry.mode(), oid: await entry.oid() });
      return undefined;
    },
  });
  return out;
}
