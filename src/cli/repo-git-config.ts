/**
 * What the user's repository configuration makes git execute or read from the work tree.
 *
 * The CLI works on someone's own checkout, whose `.git/config` may point into the work tree:
 * husky's `core.hooksPath=.husky/_`, `core.hooksPath=.githooks`, or `include.path=../.gitconfig`
 * (a tracked file that can set `core.fsmonitor`, filters, diff drivers...). Those are ordinary
 * files the agent could write, and the user's own git would run them later. This module lists
 * them so the sandbox keeps them read-only and the summary can name them.
 *
 * The config is read with git's own parser (includes and `includeIf` resolved exactly as git
 * does) through the hardened runner: no system or global config, no hooks, nothing executed;
 * reading config runs no code. A short timeout covers an include target that is a FIFO.
 */
import path from "node:path";
import { runGit } from "../workspace/native-git.js";

export interface ConfigEntry {
  /** "local" or "worktree" (system and global config are never read). */
  scope: string;
  /** Absolute path of the file that set it. */
  file: string;
  /** Lower-cased section and key, as `git config --list` prints them (subsection keeps its case). */
  key: string;
  value: string;
}

/** Files and directories in the work tree that git runs or reads as config, always protected when present. */
export const CONVENTIONAL_GIT_PATHS = [".husky", ".githooks", ".gitconfig", ".gitattributes", ".gitmodules", ".lfsconfig"] as const;

const READ_TIMEOUT_MS = 15_000;

/** The repository's local (and per-worktree) config, includes resolved. Empty when git cannot read it. */
export async function readRepoConfig(root: string): Promise<ConfigEntry[]> {
  let stdout: Buffer;
  try {
    ({ stdout } = await runGit(["config", "--list", "--show-origin", "--show-scope", "-z", "--includes"], {
      cwd: root,
      timeoutMs: READ_TIMEOUT_MS,
      maxStdoutBytes: 16 * 1024 * 1024,
    }));
  } catch {
    return [];
  }
  const fields = stdout.toString("utf8").split("\0");
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const scope = fields[i]!;
    const origin = fields[i + 1]!;
    const record = fields[i + 2]!;
    if (scope !== "local" && scope !== "worktree") continue; // the command-line hardening, never the repo's
    if (!origin.startsWith("file:")) continue;
    const newline = record.indexOf("\n");
    const key = newline < 0 ? record : record.slice(0, newline);
    const value = newline < 0 ? "" : record.slice(newline + 1);
    entries.push({ scope, file: path.resolve(root, origin.slice("file:".length)), key, value });
  }
  return entries;
}

const INCLUDE_KEY = /^include(if\..*)?\.path$/i;

/**
 * Absolute paths git would execute or read as config: the conventional hook and config files, the
 * configured hooks directory, every file the config includes (read or still missing) and the
 * configured attributes and excludes files. Paths outside `root` are kept; the sandbox ignores
 * what is not in its workspace.
 */
export function gitExecutedPaths(root: string, entries: readonly ConfigEntry[], home: string | undefined): string[] {
  const out = new Set<string>(CONVENTIONAL_GIT_PATHS.map((p) => path.join(root, p)));
  const expand = (value: string, relativeTo: string): string | undefined => {
    if (value === "") return undefined;
    if (value.startsWith("~/")) return home ? path.join(home, value.slice(2)) : undefined;
    return path.resolve(relativeTo, value);
  };
  for (const e of entries) {
    // Every file the config came from, other than the repository's own config in .git.
    out.add(e.file);
    const key = e.key.toLowerCase();
    let target: string | undefined;
    // A relative hooksPath is relative to the work tree root; include paths to the including file.
    if (key === "core.hookspath") target = expand(e.value, root);
    else if (INCLUDE_KEY.test(key)) target = expand(e.value, path.dirname(e.file));
    else if (key === "core.attributesfile" || key === "core.excludesfile") target = expand(e.value, root);
    if (target) out.add(target);
  }
  return [...out].sort();
}

/** Keys whose value is a command git runs (or a boolean-or-command, for fsmonitor). */
const RUNS_CODE: readonly RegExp[] = [
  /^core\.(fsmonitor|hookspath|sshcommand|gitproxy|askpass|editor|pager|alternaterefscommand)$/,
  /^filter\..+\.(clean|smudge|process)$/,
  /^diff\..+\.(textconv|command)$/,
  /^diff\.external$/,
  /^merge\..+\.driver$/,
  /^credential(\..+)?\.helper$/,
  /^gpg(\..+)?\.program$/,
  /^sequence\.editor$/,
  /^pager\..+$/,
  /^alias\..+$/,
  /^remote\..+\.(uploadpack|receivepack|vcs)$/,
  /^uploadpack\.packobjectshook$/,
  /^interactive\.difffilter$/,
];

/**
 * Settings that make git run a command and come from a file inside the work tree (an include
 * target the repository ships), not from `.git/`. issue-agent never runs them: its git work goes
 * through isomorphic-git and the hardened runner. The user's own git would, so the CLI names them.
 */
export function codeRunningWorkTreeSettings(root: string, entries: readonly ConfigEntry[]): { key: string; file: string }[] {
  const gitDir = path.join(root, ".git");
  return entries
    .filter((e) => {
      const rel = path.relative(root, e.file);
      const inTree = rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) && !`${e.file}/`.startsWith(`${gitDir}/`);
      if (!inTree) return false;
      const key = e.key.toLowerCase();
      if (key === "core.fsmonitor" && /^(false|no|off|0|)$/i.test(e.value)) return false;
      if (key === "alias" || (key.startsWith("alias.") && !e.value.startsWith("!"))) return false;
      return RUNS_CODE.some((re) => re.test(key));
    })
    .map((e) => ({ key: e.key, file: path.relative(root, e.file) }));
}

/** Whether the config turns on sparse checkout (the work tree then lacks files HEAD has). */
export function usesSparseCheckout(entries: readonly ConfigEntry[]): boolean {
  return entries.some((e) => e.key.toLowerCase() === "core.sparsecheckout" && /^(true|yes|on|1)$/i.test(e.value));
}
