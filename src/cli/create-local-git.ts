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
 * Refused, with a message saying what to do: linked worktrees (isomorphic-git does not follow
 * `commondir`), sparse checkouts (files outside the sparse set would look deleted), and
 * `--commit` on repositories whose attributes apply filters such as Git LFS (the commit would
 * hold the smudged content instead of what the filter stores).
 */
import fs from "node:fs";
import { lstat, readFile } from "node:fs/promises";
import path from "node:path";
import git from "isomorphic-git";
import { listBaseTree } from "../workspace/base-tree.js";
import { formatCommitMessage } from "../workspace/commit-all.js";
import { commitSnapshot } from "../workspace/commit-snapshot.js";
import { WorkspaceError } from "../workspace/errors.js";
import { detectNativeGit, runGit } from "../workspace/native-git.js";
import { prepareChanges, type PreparedChanges } from "../workspace/prepare-changes.js";
import { describeRefusals } from "../workspace/refusals.js";
import { DEFAULT_TREE_CAPS } from "../workspace/snapshot-work-tree.js";
import { renderUnifiedDiff } from "../workspace/unified-diff.js";
import { findGitRoot } from "./find-git-root.js";
import type { LocalGit } from "./local-git.js";
import { readRepoConfig, usesSparseCheckout } from "./repo-git-config.js";

/** git's empty tree: the base of a repository without a commit yet. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const TIMEOUT_MS = 120_000;

export class LocalGitRefused extends WorkspaceError {
  constructor(message: string) {
    super("workspace/commit-refused", message, { userMessage: message });
    this.name = "LocalGitRefused";
  }
}

function rootOf(dir: string): string {
  return findGitRoot(dir) ?? dir;
}

async function headCommit(root: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, dir: root, ref: "HEAD" });
  } catch {
    return null; // unborn: `git init` without a commit yet
  }
}

async function snapshot(root: string, base: string): Promise<PreparedChanges> {
  const nativeGit = (await detectNativeGit()) !== null;
  if (base === EMPTY_TREE && !nativeGit) throw new LocalGitRefused("This repository has no commit yet and git 2.32 or newer is not installed; make a first commit.");
  return prepareChanges({ dir: root, baseRef: base, caps: DEFAULT_TREE_CAPS, maxFileBytes: DEFAULT_TREE_CAPS.maxTotalBytes, nativeGit });
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

/** git's answer to a plumbing question, or null when it says "no" (non-zero exit). */
async function plumbing(root: string, args: string[]): Promise<string | null> {
  try {
    return (await runGit(args, { cwd: root, timeoutMs: TIMEOUT_MS })).stdout.toString("utf8").trim() || null;
  } catch {
    return null;
  }
}

async function resolveCommit(root: string, ref: string): Promise<string | null> {
  if (ref.startsWith("-")) return null;
  if ((await detectNativeGit()) !== null) return plumbing(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  try {
    return await git.resolveRef({ fs, dir: root, ref });
  } catch {
    return null;
  }
}

/** The user's identity: GIT_AUTHOR_* from the environment, then the repository's and the user's config files (read, never executed). */
export async function resolveIdentity(root: string, env: Readonly<Record<string, string | undefined>>): Promise<{ name: string; email: string }> {
  const fromEnv = { name: env.GIT_AUTHOR_NAME, email: env.GIT_AUTHOR_EMAIL };
  const files: (string | undefined)[] = [undefined];
  const home = env.HOME;
  if (env.XDG_CONFIG_HOME) files.push(path.join(env.XDG_CONFIG_HOME, "git", "config"));
  else if (home) files.push(path.join(home, ".config", "git", "config"));
  if (home) files.push(path.join(home, ".gitconfig"));
  const read = async (key: string): Promise<string | undefined> => {
    for (const file of files) {
      const args = file ? ["config", "--file", file, "--get", key] : ["config", "--get", key];
      const value = await plumbing(root, args);
      if (value) return value;
    }
    return undefined;
  };
  return {
    name: fromEnv.name || (await read("user.name")) || "issue-agent",
    email: fromEnv.email || (await read("user.email")) || "issue-agent@localhost",
  };
}

/** `filter=` in any attributes file of HEAD or in .git/info/attributes: git would run a filter on commit. */
async function filteredByAttributes(root: string, head: string): Promise<boolean> {
  const mentionsFilter = (text: string) => /(^|\s)filter=/m.test(text);
  const info = await readFile(path.join(root, ".git", "info", "attributes"), "utf8").catch(() => "");
  if (mentionsFilter(info)) return true;
  const base = await listBaseTree(root, head, { nativeGit: (await detectNativeGit()) !== null });
  for (const [p, entry] of base) {
    if (p !== ".gitattributes" && !p.endsWith("/.gitattributes")) continue;
    const { blob } = await git.readBlob({ fs, dir: root, oid: entry.oid });
    if (mentionsFilter(Buffer.from(blob).toString("utf8"))) return true;
  }
  return false;
}

export function createLocalGit(options: { env?: Readonly<Record<string, string | undefined>> } = {}): LocalGit {
  const env = options.env ?? {};
  return {
    async assertSupported(dir) {
      const root = rootOf(dir);
      const dotGit = path.join(root, ".git");
      const st = await lstat(dotGit);
      if (st.isFile()) {
        const text = await readFile(dotGit, "utf8");
        const gitdir = /^gitdir: (.+)$/m.exec(text)?.[1]?.trim();
        if (gitdir && fs.existsSync(path.join(path.resolve(root, gitdir), "commondir"))) {
          throw new LocalGitRefused(`${root} is a linked git worktree, which issue-agent cannot read safely without running git on it. Run it in the main checkout or in a separate clone.`);
        }
      }
      if (usesSparseCheckout(await readRepoConfig(root))) {
        throw new LocalGitRefused(`${root} uses a sparse checkout: files outside the sparse set would look deleted. Run issue-agent in a full checkout (git sparse-checkout disable).`);
      }
    },

    async changedFiles(dir) {
      const root = rootOf(dir);
      return pathsOf(await snapshot(root, (await headCommit(root)) ?? EMPTY_TREE));
    },

    async stagedFiles(dir) {
      const root = rootOf(dir);
      if ((await detectNativeGit()) === null) return [];
      const head = (await headCommit(root)) ?? EMPTY_TREE;
      // Index against HEAD only: no work tree, so no filter, fsmonitor or driver is involved.
      const out = await plumbing(root, ["diff-index", "--cached", "--name-only", "-z", "--no-ext-diff", "--no-textconv", head, "--"]);
      return out ? out.split("\0").filter(Boolean).sort() : [];
    },

    async assertCanCommit(dir, branch) {
      const root = rootOf(dir);
      const head = await headCommit(root);
      if (!head) throw new LocalGitRefused("--commit needs a repository with at least one commit; make a first commit.");
      if (await resolveCommit(root, `refs/heads/${branch}`)) throw new LocalGitRefused(`A branch named ${branch} already exists; choose another --branch name.`);
      if (await filteredByAttributes(root, head)) {
        throw new LocalGitRefused("This repository's .gitattributes apply git filters (e.g. Git LFS) to some paths; issue-agent commits without running filters, so it cannot commit here. Run without --commit and commit the changes yourself.");
      }
    },

    async commitOnNewBranch(dir, branch, title, body) {
      const root = rootOf(dir);
      const head = await headCommit(root);
      if (!head) throw new LocalGitRefused("--commit needs a repository with at least one commit.");
      const prepared = await snapshot(root, head);
      if (prepared.refused.length > 0) throw new LocalGitRefused(`Refusing to commit ${describeRefusals(prepared.refused)}.`);
      if (prepared.changed.length === 0) throw new LocalGitRefused("There is nothing to commit.");
      // The new branch starts at HEAD and becomes current; the work tree is not touched.
      await git.branch({ fs, dir: root, ref: branch, checkout: true });
      const identity = await resolveIdentity(root, env);
      const who = { ...identity, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: new Date().getTimezoneOffset() };
      const message = formatCommitMessage(body.trim() ? `${title}\n\n${body}` : title, []);
      return commitSnapshot({ dir: root, files: prepared.snapshot.files.values(), message, author: who, committer: who, nativeGit: (await detectNativeGit()) !== null });
    },

    async diffAgainst(dir, baseRef) {
      const root = rootOf(dir);
      const head = await headCommit(root);
      const base = await resolveCommit(root, baseRef);
      if (!base) throw new LocalGitRefused(`${baseRef} does not name a commit.`);
      let mergeBase: string | null = base;
      if (head) {
        mergeBase = (await detectNativeGit()) !== null ? await plumbing(root, ["merge-base", base, head]) : ((await git.findMergeBase({ fs, dir: root, oids: [base, head] })) as string[])[0] ?? null;
      }
      if (!mergeBase) throw new LocalGitRefused(`${baseRef} and HEAD have no common ancestor.`);
      const prepared = await snapshot(root, mergeBase);
      return renderUnifiedDiff(root, prepared.changed);
    },

    async describeHead(dir) {
      const root = rootOf(dir);
      const commit = await headCommit(root);
      const branch = (await git.currentBranch({ fs, dir: root, fullname: false }).catch(() => undefined)) ?? null;
      const remote = (await git.getConfig({ fs, dir: root, path: "remote.origin.url" }).catch(() => undefined)) as string | undefined;
      return { commit, branch, remoteUrl: remote ? String(remote) : null };
    },

    async resolveFirstRef(dir, candidates) {
      const root = rootOf(dir);
      for (const ref of candidates) if (await resolveCommit(root, ref)) return ref;
      return null;
    },
  };
}
