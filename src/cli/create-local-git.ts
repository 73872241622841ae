/**
 * LocalGit on the user's checkout through the app's own workspace code (src/workspace), so the
 * CLI and the app read an agent-written tree the same way: an lstat-only snapshot with the
 * hostile-tree rules (no FIFO opened, no symlink followed, ignore files read only as small regular
 * files), commits built from the snapshot's blob ids with isomorphic-git (no index walk, no hooks,
 * no filters), diffs rendered in-process.
 *
 * The host `git` binary is never run with the user's environment or config. Where git itself is
 * still the right tool (resolving a revision, a merge base, the index after a commit, reading the
 * config) it goes through `runGit`: no system or global config, an empty HOME and environment,
 * `core.hooksPath=/dev/null`, `core.fsmonitor=false`, no credential helper, and only plumbing
 * that runs no filters, drivers or hooks.
 *
 * A `.git` file (submodule, separate git dir, linked worktree) is followed by git-layout.ts.
 * Refused, with a message saying what to do: sparse checkouts (files outside the sparse set would
 * look deleted), and `--commit` on repositories whose attributes apply filters such as Git LFS
 * (the commit would hold the smudged content instead of what the filter stores).
 */
import fs from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import git from "isomorphic-git";
import { listBaseTree } from "../workspace/base-tree.js";
import { formatCommitMessage } from "../workspace/commit-all.js";
import { detectNativeGit } from "../workspace/native-git.js";
import { prepareChanges, type PreparedChanges } from "../workspace/prepare-changes.js";
import { describeRefusals } from "../workspace/refusals.js";
import { DEFAULT_TREE_CAPS } from "../workspace/snapshot-work-tree.js";
import { renderUnifiedDiff } from "../workspace/unified-diff.js";
import { findGitRoot } from "./find-git-root.js";
import { commitOnBranch } from "./commit-on-branch.js";
import { plumbing } from "./git-plumbing.js";
import { LocalGitRefused } from "./local-git-refused.js";
import { excludesFile, resolveIdentity, type Env } from "./user-git-config.js";
import { gitLayoutOf, readHead, type GitLayout } from "./git-layout.js";
import type { LocalGit } from "./local-git.js";
import { readRepoConfig, usesSparseCheckout } from "./repo-git-config.js";

/** git's empty tree: the base of a repository without a commit yet. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

function layoutOf(dir: string): GitLayout {
  return gitLayoutOf(findGitRoot(dir) ?? dir);
}

const store = (layout: GitLayout) => ({ fs, dir: layout.root, gitdir: layout.commonDir });

async function snapshot(layout: GitLayout, base: string, env: Env): Promise<PreparedChanges> {
  const nativeGit = (await detectNativeGit()) !== null;
  if (base === EMPTY_TREE && !nativeGit)
    throw new LocalGitRefused("This repository has no commit yet and git 2.32 or newer is not installed; make a first commit.");
  const excludes = await excludesFile(layout.root, env);
  return prepareChanges({
    dir: layout.root,
    gitdir: layout.commonDir,
    baseRef: base,
    caps: DEFAULT_TREE_CAPS,
    maxFileBytes: DEFAULT_TREE_CAPS.maxTotalBytes,
    nativeGit,
    excludeFiles: excludes ? [excludes] : [],
  });
}

/** Changed paths: renames contribute both sides, refused paths (FIFOs, odd names) are listed too. */
function pathsOf(prepared: PreparedChanges): string[] {
  const paths = new Set<string>();
  for (const c of prepared.changed) {
    paths.add(c.path);
    if (c.oldPath) paths.add(c.oldPath);
  }
  for (const r of prepared.refused) paths.add(r.path);
  return [...paths].sort();
}

async function resolveCommit(layout: GitLayout, ref: string): Promise<string | null> {
  if (ref.startsWith("-")) return null;
  if ((await detectNativeGit()) !== null) return plumbing(layout.root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (ref === "HEAD") return (await readHead(layout)).sha;
  try {
    return await git.resolveRef({ ...store(layout), ref });
  } catch {
    return null;
  }
}

/** `filter=` in any attributes file of HEAD or in .git/info/attributes: git would run a filter on commit. */
async function filteredByAttributes(layout: GitLayout, head: string): Promise<boolean> {
  const mentionsFilter = (text: string) => /(^|\s)filter=/m.test(text);
  const info = await readFile(path.join(layout.commonDir, "info", "attributes"), "utf8").catch(() => "");
  if (mentionsFilter(info)) return true;
  const base = await listBaseTree(layout.root, head, { nativeGit: (await detectNativeGit()) !== null, gitdir: layout.commonDir });
  for (const [p, entry] of base) {
    if (p !== ".gitattributes" && !p.endsWith("/.gitattributes")) continue;
    const { blob } = await git.readBlob({ ...store(layout), oid: entry.oid });
    if (mentionsFilter(Buffer.from(blob).toString("utf8"))) return true;
  }
  return false;
}

export function createLocalGit(options: { env?: Env } = {}): LocalGit {
  const env = options.env ?? {};
  return {
    async assertSupported(dir) {
      const layout = layoutOf(dir);
      if (usesSparseCheckout(await readRepoConfig(layout.root))) {
        throw new LocalGitRefused(
          `${layout.root} uses a sparse checkout: files outside the sparse set would look deleted. Run issue-agent in a full checkout (git sparse-checkout disable).`,
        );
      }
    },

    async changedFiles(dir) {
      const layout = layoutOf(dir);
      return pathsOf(await snapshot(layout, (await readHead(layout)).sha ?? EMPTY_TREE, env));
    },

    async stagedFiles(dir) {
      const layout = layoutOf(dir);
      if ((await detectNativeGit()) === null) return [];
      const head = (await readHead(layout)).sha ?? EMPTY_TREE;
      // Index against HEAD only: no work tree, so no filter, fsmonitor or driver is involved.
      const out = await plumbing(layout.root, ["diff-index", "--cached", "--name-only", "-z", "--no-ext-diff", "--no-textconv", head, "--"]);
      return out ? out.split("\0").filter(Boolean).sort() : [];
    },

    async assertCanCommit(dir, branch) {
      const layout = layoutOf(dir);
      const head = (await readHead(layout)).sha;
      if (!head) throw new LocalGitRefused("--commit needs a repository with at least one commit; make a first commit.");
      if (layout.gitDir !== layout.commonDir && (await detectNativeGit()) === null)
        throw new LocalGitRefused("--commit in a linked worktree needs git 2.32 or newer installed (to update the worktree's index).");
      if (await resolveCommit(layout, `refs/heads/${branch}`))
        throw new LocalGitRefused(`A branch named ${branch} already exists; choose another --branch name.`);
      if (await filteredByAttributes(layout, head)) {
        throw new LocalGitRefused(
          "This repository's .gitattributes apply git filters (e.g. Git LFS) to some paths; issue-agent commits without running filters, so it cannot commit here. Run without --commit and commit the changes yourself.",
        );
      }
    },

    async commitOnNewBranch(dir, branch, title, body) {
      const layout = layoutOf(dir);
      const head = (await readHead(layout)).sha;
      if (!head) throw new LocalGitRefused("--commit needs a repository with at least one commit.");
      const prepared = await snapshot(layout, head, env);
      if (prepared.refused.length > 0) throw new LocalGitRefused(`Refusing to commit ${describeRefusals(prepared.refused)}.`);
      if (prepared.changed.length === 0) throw new LocalGitRefused("There is nothing to commit.");
      const message = formatCommitMessage(body.trim() ? `${title}\n\n${body}` : title, []);
      return commitOnBranch(layout, head, prepared, branch, message, await resolveIdentity(layout.root, env));
    },

    async diffAgainst(dir, baseRef) {
      const layout = layoutOf(dir);
      const head = (await readHead(layout)).sha;
      const base = await resolveCommit(layout, baseRef);
      if (!base) throw new LocalGitRefused(`${baseRef} does not name a commit.`);
      let mergeBase: string | null = base;
      if (head) {
        mergeBase =
          (await detectNativeGit()) !== null
            ? await plumbing(layout.root, ["merge-base", base, head])
            : (((await git.findMergeBase({ ...store(layout), oids: [base, head] })) as string[])[0] ?? null);
      }
      if (!mergeBase) throw new LocalGitRefused(`${baseRef} and HEAD have no common ancestor.`);
      const prepared = await snapshot(layout, mergeBase, env);
      return renderUnifiedDiff(layout.root, prepared.changed, { gitdir: layout.commonDir });
    },

    async describeHead(dir) {
      const layout = layoutOf(dir);
      const head = await readHead(layout);
      const remote = (await git.getConfig({ ...store(layout), path: "remote.origin.url" }).catch(() => undefined)) as string | undefined;
      return { commit: head.sha, branch: head.branch, remoteUrl: remote ? String(remote) : null };
    },

    async resolveFirstRef(dir, candidates) {
      const layout = layoutOf(dir);
      for (const ref of candidates) if (await resolveCommit(layout, ref)) return ref;
      return null;
    },
  };
}

export { LocalGitRefused } from "./local-git-refused.js";
