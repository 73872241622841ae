/**
 * What a commit through GitHub's Git Data API needs from the inspected snapshot: the base
 * commit's tree (GitHub's `base_tree`), the changed entries with their modes and blob ids, the
 * deleted paths (`sha: null`), and the tree the commit must end up with. The task uploads blobs,
 * builds the tree on GitHub and refuses the commit unless GitHub's tree id equals `expectedTree`:
 * git object ids are content hashes, so equal ids mean GitHub holds byte for byte what was scanned.
 * Blob bytes are read separately, in bounded batches (`readPlanBlobs`), so a large change never
 * crosses the IPC channel as one message.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import type { ApiCommitPlan, ApiTreeEntry } from "../shared/api-commit-plan.js";
import { writeTrees } from "./commit-snapshot.js";
import { describeRefusals } from "./refusals.js";
import { WorkspaceError } from "./errors.js";
import type { PreparedChanges } from "./prepare-changes.js";

export type { ApiCommitPlan, ApiTreeEntry };

const MODES = new Set(["100644", "100755", "120000", "160000"]);

function modeOf(mode: string | undefined, path: string): ApiTreeEntry["mode"] {
  const m = (mode ?? "").padStart(6, "0");
  if (!MODES.has(m)) throw new WorkspaceError("workspace/commit-refused", `Unsupported file mode ${mode ?? "?"} for ${path}.`);
  return m as ApiTreeEntry["mode"];
}

export async function buildApiCommitPlan(dir: string, prepared: PreparedChanges): Promise<ApiCommitPlan> {
  if (prepared.refused.length > 0) {
    throw new WorkspaceError("workspace/commit-refused", `Refusing to commit ${describeRefusals(prepared.refused)}.`, {
      paths: prepared.refused.map((r) => r.path),
    });
  }
  const { commit } = await git.readCommit({ fs, dir, oid: prepared.baseSha });
  const expectedTree = await writeTrees(dir, prepared.snapshot.files.values());
  const known = new Set(prepared.changed.flatMap((f) => (f.oldOid ? [f.oldOid] : [])));
  const deletions: ApiTreeEntry[] = [];
  const writes: ApiTreeEntry[] = [];
  for (const f of prepared.changed) {
    const gone = f.status === "deleted" ? f.path : f.status === "renamed" ? f.oldPath : undefined;
    if (gone)
      deletions.push({ path: gone, mode: modeOf(f.oldMode, gone), type: f.oldMode === "160000" ? "commit" : "blob", sha: null, size: 0, upload: false });
    if (f.status === "deleted" || !f.newOid) continue;
    const mode = modeOf(f.newMode, f.path);
    const type = mode === "160000" ? "commit" : "blob";
    const size = type === "blob" ? (prepared.snapshot.files.get(f.path)?.size ?? 0) : 0;
    writes.push({ path: f.path, mode, type, sha: f.newOid, size, upload: type === "blob" && !known.has(f.newOid) });
  }
  return { baseSha: prepared.baseSha, baseTree: commit.tree, expectedTree, entries: [...deletions, ...writes] };
}

/** The bytes of `oids`, base64 (the Git Data API's encoding for arbitrary bytes). */
export async function readPlanBlobs(dir: string, oids: readonly string[], cache: object): Promise<{ oid: string; base64: string }[]> {
  const out: { oid: string; base64: string }[] = [];
  for (const oid of oids) {
    const { blob } = await git.readBlob({ fs, dir, oid, cache });
    out.push({ oid, base64: Buffer.from(blob).toString("base64") });
  }
  return out;
}
