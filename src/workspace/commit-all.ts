/**
 * Commit every change in the work tree as the app. What to commit comes from a snapshot of the
 * tree (snapshot-work-tree.ts: lstat walk, hostile-tree rules, caps), never from an index the
 * agent could have touched: additions, edits, deletions, renames and executable-bit changes,
 * honouring `.gitignore` for untracked files. Nested `.git` paths, special files, names with
 * control characters and files over the size cap are refused before anything is committed.
 */
import { WorkspaceError } from "./errors.js";
import { commitSnapshot } from "./commit-snapshot.js";
import { detectNativeGit } from "./native-git.js";
import { prepareChanges, type PreparedChanges } from "./prepare-changes.js";
import { DEFAULT_TREE_CAPS, type TreeCaps } from "./snapshot-work-tree.js";
import { describeRefusals } from "./refusals.js";

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
  /** Caps on the work tree's files and bytes (the expanded-tree caps). */
  caps?: TreeCaps | undefined;
  nativeGit?: boolean | undefined;
  /** A snapshot already taken (and scanned) by prepareChanges: commit exactly that. */
  prepared?: PreparedChanges | undefined;
}

/** Keep identity text on one line and free of the `<>` that delimit the email. */
function clean(text: string): string {
  return text
    .replace(/[\r\n<>]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function formatCommitMessage(message: string, coAuthors: readonly GitIdentity[]): string {
  const body = message.replace(/\r\n/g, "\n").trim();
  const trailers = coAuthors.map((c) => `Co-authored-by: ${clean(c.name)} <${clean(c.email)}>`);
  return trailers.length === 0 ? `${body}\n` : `${body}\n\n${trailers.join("\n")}\n`;
}

/** Commit all changes; returns the new commit sha, or null when the work tree equals HEAD. */
export async function commitAll(options: CommitAllOptions): Promise<string | null> {
  const nativeGit = options.nativeGit ?? (await detectNativeGit()) !== null;
  const prepared =
    options.prepared ??
    (await prepareChanges({
      dir: options.dir,
      baseRef: "HEAD",
      caps: options.caps ?? DEFAULT_TREE_CAPS,
      maxFileBytes: options.maxFileBytes,
      nativeGit,
      cache: options.cache,
    }));
  return commitPrepared(options, prepared, nativeGit);
}

export async function commitPrepared(options: CommitAllOptions, prepared: PreparedChanges, nativeGit: boolean): Promise<string | null> {
  if (prepared.refused.length > 0) {
    const text = describeRefusals(prepared.refused);
    throw new WorkspaceError("workspace/commit-refused", `Refusing to commit ${text}.`, {
      paths: prepared.refused.map((r) => r.path),
      userMessage: `The change was not committed because it contains ${text}.`,
    });
  }
  if (prepared.changed.length === 0) return null;
  const coAuthors = [...(options.coAuthor ? [options.coAuthor] : []), ...(options.coAuthors ?? [])];
  const who = {
    name: clean(options.author.name),
    email: clean(options.author.email),
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
    timezoneOffset: 0,
  };
  return commitSnapshot({
    dir: options.dir,
    files: prepared.snapshot.files.values(),
    message: formatCommitMessage(options.message, coAuthors),
    author: who,
    committer: who,
    nativeGit,
  });
}
