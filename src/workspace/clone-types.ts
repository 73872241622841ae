/** What a clone takes and gives, shared by the isomorphic-git clone and the native one. */
import type { WorkspaceLog } from "./workspace-log.js";

export interface ExpandedTreeCaps {
  /** Files in the checked-out tree. */
  maxEntries: number;
  /** Sum of blob sizes. */
  maxTotalBytes: number;
  /** Largest single blob. */
  maxBlobBytes: number;
}

export interface CloneRepoOptions {
  /** An empty (or missing) directory to clone into. */
  dir: string;
  /** The clone URL as GitHub gives it (`repository.clone_url`), without credentials. */
  url: string;
  /** Branch name, full ref (`refs/pull/12/head`) or omitted for the remote's default branch. */
  ref?: string | undefined;
  /** Commits of history to fetch; 0 means full history. Default 1. */
  depth?: number | undefined;
  /** Installation token, handed to isomorphic-git only through `onAuth`. */
  token?: string | undefined;
  /** Cap on bytes received from the server (the pack), enforced while downloading. */
  maxBytes?: number | undefined;
  signal?: AbortSignal | undefined;
  log?: WorkspaceLog | undefined;
  /** isomorphic-git object cache; pass the same object to later calls on this dir to reuse parsed packs. */
  cache?: object | undefined;
  /** Caps on what the checkout would write, checked from the object store before checkout. */
  treeCaps?: ExpandedTreeCaps | undefined;
}

export interface CloneResult {
  /** The commit checked out. */
  headSha: string;
  /** The remote ref that was fetched, fully qualified (`refs/heads/main`, `refs/pull/3/head`). */
  fetchedRef: string;
  /** Local branch checked out, or null when HEAD is detached (non-branch refs). */
  branch: string | null;
  /** The remote's default branch name when it was asked for, else null. */
  defaultBranch: string | null;
  /** Bytes received from the server. */
  receivedBytes: number;
}
