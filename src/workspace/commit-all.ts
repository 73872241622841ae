/**
 * Stage every change in the work tree and commit it as the app. The staging is computed from a
 * comparison of HEAD and the work tree, not taken from an index the agent could have touched:
 * additions, edits, deletions, renames (delete + add) and executable-bit changes, honouring
 * `.gitignore` for untracked files. Nested `.git` paths and files over the size cap are refused
 * before anything is committed.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { WorkspaceError } from "./errors.js";
import { compareWorkTree, type ComparedEntry } from "./compare-work-tree.js";

export interface GitIdentity {
  name: string;
  email: string;
}

export interface CommitAllOptions {
  dir: string;
  message: string;
  /** The bot identity: `<slug>[bot]` and its noreply address. Also the committer. */
  author: GitIdentity;
  /** The person who asked; added as a `Co-authored-by:` trailer. */
  coAuthor?: GitIdentity | undefined;
  coAuthors?: readonly GitIdentity[] | undefined;
  /** Largest file (bytes) that may be committed. */
  maxFileBytes: number;
  /** Seconds since the epoch; defaults to now. Fixed in tests for reproducible shas. */
  timestamp?: number | undefined;
  cache?: object | undefined;
}

/** Keep identity text on one line and free of the `<>` that delimit the email. */
function clean(text: string): string {
  return text.replace(/[\r\n<>]/g, " ").replace(/\s+/g, " ").trim();
}

export function formatCommitMessage(message: string, coAuthors: readonly GitIdentity[]): string {
  const body = message.replace(/\r\n/g, "\n").trim();
  const trailers = coAuthors.map((c) => `Co-authored-by: ${clean(c.name)} <${clean(c.email)}>`);
  return trailers.length === 0 ? `${body}\n` : `${body}\n\n${trailers.join("\n")}\n`;
}

function sameFile(a: { oid: string; mode: number } | undefined, b: { oid: string; mode: number } | undefined): boolean {
  return a?.oid === b?.oid && a?.mode === b?.mode;
}

/** Commit all changes; returns the new commit sha, or null when the work tree equals HEAD. */
export async function commitAll(options: CommitAllOptions): Promise<string | null> {
  const { dir, message, author, maxFileBytes, cache = {} } = options;
  const { entries, gitMetadataPaths } = await compareWorkTree(dir, "HEAD", cache);

  const changed = entries.filter((e) => !sameFile(e.base, e.work));
  const oversize = changed.filter((e) => e.work && e.work.size > maxFileBytes).map((e) => e.path);
  const refused = [...gitMetadataPaths, ...oversize];
  if (refused.length > 0) {
    const parts = [
      gitMetadataPaths.length > 0 ? `git metadata or special files (${gitMetadataPaths.join(", ")})` : "",
      oversize.length > 0 ? `files over ${maxFileBytes} bytes (${oversize.join(", ")})` : "",
    ].filter(Boolean);
    throw new WorkspaceError("workspace/commit-refused", `Refusing to commit ${parts.join(" and ")}.`, {
      paths: refused,
      userMessage: `The change was not committed because it contains ${parts.join(" and ")}.`,
    });
  }
  if (changed.length === 0) return null;

  await stage(dir, entries, cache);
  const coAuthors = [...(options.coAuthor ? [options.coAuthor] : []), ...(options.coAuthors ?? [])];
  const who = { name: clean(author.name), email: clean(author.email), ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp, timezoneOffset: 0 }) };
  return git.commit({ fs, dir, cache, message: formatCommitMessage(message, coAuthors), author: who, committer: who });
}

/** Make the index equal the work tree for every compared path. */
async function stage(dir: string, entries: readonly ComparedEntry[], cache: object): Promise<void> {
  const toAdd: string[] = [];
  for (const entry of entries) {
    if (!entry.work) {
      if (entry.stage) await git.remove({ fs, dir, cache, filepath: entry.path });
    } else if (!sameFile(entry.stage, entry.work)) {
      toAdd.push(entry.path);
    }
  }
  // One call for all paths: isomorphic-git then reads and writes the index once.
  if (toAdd.length > 0) await git.add({ fs, dir, cache, filepath: toAdd, force: true });
}
