/**
 * Clone one ref of a remote into an empty directory with isomorphic-git: single branch, shallow by
 * default, no tags, no submodules, then check it out. The default branch and branches end on a
 * local branch of the same name; any other ref (a PR head `refs/pull/N/head`, a tag) is fetched
 * by its explicit name and checked out detached.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { CancelledError } from "../shared/errors.js";
import { WorkspaceError } from "./errors.js";
import { assertCredentialFreeUrl, gitAuth } from "./git-auth.js";
import { describeUrl, translateGitError } from "./git-errors.js";
import { limitedHttp } from "./limited-http.js";
import type { CloneRepoOptions, CloneResult, ExpandedTreeCaps } from "./clone-types.js";
import { silentLog } from "./workspace-log.js";

export async function cloneRepo(options: CloneRepoOptions): Promise<CloneResult> {
  const { dir, url, ref, depth = 1, token, maxBytes, signal, log = silentLog, cache = {} } = options;
  assertCredentialFreeUrl(url);
  if (signal?.aborted) throw new CancelledError();
  const started = Date.now();
  const http = limitedHttp({ maxBytes, signal });
  const where = describeUrl(url);
  log.info({ url: where, ref: ref ?? "(default)", depth }, "clone started");

  try {
    await git.init({ fs, dir, defaultBranch: "main" });
    await git.addRemote({ fs, dir, remote: "origin", url });
    const fetched = await git.fetch({
      fs,
      http,
      dir,
      cache,
      url,
      ref: ref ?? "HEAD",
      singleBranch: true,
      tags: false,
      depth: depth > 0 ? depth : undefined,
      ...gitAuth(token),
    });
    if (signal?.aborted) throw new CancelledError();
    const headSha = fetched.fetchHead;
    if (!headSha) throw new WorkspaceError("workspace/clone", `The remote ${where} is empty: nothing to clone.`);

    const fetchedRef = ref === undefined ? (fetched.defaultBranch ?? "HEAD") : await fullRefOf(ref, fetched.fetchHeadDescription);
    if (options.treeCaps) await checkTreeWithIsomorphicGit(dir, headSha, options.treeCaps, cache);
    const branch = fetchedRef.startsWith("refs/heads/") ? fetchedRef.slice("refs/heads/".length) : null;
    if (branch) {
      await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: headSha, force: true });
      await git.writeRef({ fs, dir, ref: "HEAD", value: `refs/heads/${branch}`, symbolic: true, force: true });
      await git.checkout({ fs, dir, cache, ref: branch, force: true });
    } else {
      await git.writeRef({ fs, dir, ref: "HEAD", value: headSha, force: true });
      await git.checkout({ fs, dir, cache, ref: headSha, noUpdateHead: true, force: true });
    }
    const result: CloneResult = {
      headSha,
      fetchedRef,
      branch,
      defaultBranch: ref === undefined && branch ? branch : null,
      receivedBytes: http.receivedBytes(),
    };
    log.info({ url: where, ref: fetchedRef, headSha, bytes: result.receivedBytes, ms: Date.now() - started }, "clone finished");
    return result;
  } catch (error) {
    const translated =
      signal?.aborted && !(error instanceof WorkspaceError)
        ? new CancelledError()
        : translateGitError(error, { operation: "clone", url, ref, secrets: token ? [token] : [] });
    log.warn({ url: where, ref: ref ?? "(default)", code: translated.code, bytes: http.receivedBytes() }, "clone failed");
    throw translated;
  }
}

/** `main` -> `refs/heads/main` (from the fetch description), full refs unchanged. */
async function fullRefOf(ref: string, description: string | null | undefined): Promise<string> {
  if (ref.startsWith("refs/")) return ref;
  if (description?.startsWith("tag ")) return `refs/tags/${ref}`;
  return `refs/heads/${ref}`;
}

/** The pure-JS twin of `checkExpandedTree`: sizes come from reading each blob (slower; bounded by the worker's memory cap). */
async function checkTreeWithIsomorphicGit(dir: string, sha: string, caps: ExpandedTreeCaps, cache: object): Promise<void> {
  let entries = 0;
  let bytes = 0;
  const mb = (n: number): number => Math.round(n / (1024 * 1024));
  await git.walk({
    fs,
    dir,
    cache,
    trees: [git.TREE({ ref: sha })],
    map: async (filepath, [entry]) => {
      if (!entry || (await entry.type()) !== "blob") return undefined;
      const size = ((await entry.content()) ?? new Uint8Array()).byteLength;
      entries += 1;
      bytes += size;
      if (size > caps.maxBlobBytes) {
        throw new WorkspaceError(
          "workspace/too-large",
          `A file of the repository (${JSON.stringify(filepath).slice(0, 200)}) is ${size} bytes, over the cap; nothing was checked out.`,
          {
            userMessage: `The repository contains a file larger than this app's limit of ${mb(caps.maxBlobBytes)} MB, so it was not checked out. The operator can raise AGENT_MAX_BLOB_MB.`,
          },
        );
      }
      if (entries > caps.maxEntries || bytes > caps.maxTotalBytes) {
        throw new WorkspaceError("workspace/too-large", "The repository expands beyond the tree caps; nothing was checked out.", {
          userMessage: `The repository has more than ${caps.maxEntries} files or ${mb(caps.maxTotalBytes)} MB of files, over this app's limits. The operator can raise AGENT_MAX_TREE_FILES / AGENT_MAX_TREE_MB.`,
        });
      }
      return undefined;
    },
  });
}
