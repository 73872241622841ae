/**
 * Applies a V4A patch to a workspace atomically: every path is checked and every hunk computed in
 * memory first; only when all of them succeed are files written. A write that fails half-way
 * (disk full, a link swapped in) rolls back the files already written.
 *
 * Two deliberate differences from Codex's apply_patch, both told to the model in the tool
 * description and in the error it gets: a patch that fails anywhere changes nothing (Codex keeps
 * the operations before the failure), and `*** Move to:` onto an existing file is refused (Codex
 * overwrites it) unless the same patch deletes that file first.
 */
import { constants } from "node:fs";
import { mkdir, open, rm, stat } from "node:fs/promises";
import path from "node:path";
import { readRegularFile } from "../../shared/read-regular-file.js";
import { applyChunks, HunkError } from "./apply-chunks.js";
import { parsePatchText, PatchParseError, type PatchOperation } from "./parse-patch.js";
import { PathEscapeError, resolveInWorkspace } from "../tools/path-guard.js";

export interface PatchResult {
  ok: boolean;
  /** For the model: "Success. Updated the following files:\nM a.js" or what failed and why. */
  output: string;
  /** Workspace-relative paths with A/M/D. */
  changes: { path: string; kind: "A" | "M" | "D" }[];
}

interface FileState {
  abs: string;
  rel: string;
  original: string | null;
  next: string | null;
}

const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Told to the model with every failure: it must know nothing was written and what to resend. */
export const NOTHING_CHANGED =
  "Patch not applied; no file was changed. apply_patch applies a patch completely or not at all, so fix the problem below and send the whole patch again, including the parts that had no error.";

export async function applyPatch(workspaceDir: string, patchText: string): Promise<PatchResult> {
  let ops: PatchOperation[];
  try {
    ops = parsePatchText(patchText).operations;
  } catch (error) {
    if (error instanceof PatchParseError) return fail(`Invalid patch: ${error.message} No file was changed.`);
    throw error;
  }
  if (ops.length === 0) {
    return fail(
      "Invalid patch: it has no file operations ('*** Add File:', '*** Delete File:' or '*** Update File:' between '*** Begin Patch' and '*** End Patch'). No file was changed.",
    );
  }
  const files = new Map<string, FileState>();
  const changes: PatchResult["changes"] = [];
  const errors: string[] = [];

  const load = async (p: string): Promise<FileState> => {
    const r = await resolveInWorkspace(workspaceDir, p, { write: true });
    const known = files.get(r.abs);
    if (known) return known;
    let original: string | null = null;
    if (r.exists) {
      const s = await stat(r.abs);
      if (!s.isFile()) throw new PathEscapeError(`${p}: is not a regular file.`);
      if (s.size > MAX_FILE_BYTES) throw new PathEscapeError(`${p}: is too large to patch (${s.size} bytes).`);
      const read = await readRegularFile(r.abs, MAX_FILE_BYTES);
      if (!read.ok) throw new PathEscapeError(`${p}: is not a regular file.`);
      const buf = read.bytes;
      if (buf.includes(0)) throw new PathEscapeError(`${p}: is a binary file; apply_patch edits text files only.`);
      original = buf.toString("utf8");
    }
    const state = { abs: r.abs, rel: r.rel, original, next: original };
    files.set(r.abs, state);
    return state;
  };

  for (const op of ops) {
    try {
      const f = await load(op.path);
      if (op.type === "add") {
        f.next = op.contents;
        changes.push({ path: f.rel, kind: f.original === null ? "A" : "M" });
      } else if (op.type === "delete") {
        if (f.next === null)
          throw new PathEscapeError(
            `Delete File ${op.path}: the file does not exist (or an earlier part of this patch already deletes or moves it); leave this line out.`,
          );
        f.next = null;
        changes.push({ path: f.rel, kind: "D" });
      } else {
        if (f.next === null) throw new PathEscapeError(`Update File ${op.path}: the file does not exist (use '*** Add File:' to create it).`);
        const updated = applyChunks(f.next, op.chunks, op.path);
        if (op.moveTo !== undefined) {
          const dest = await load(op.moveTo);
          if (dest.next !== null && dest.abs !== f.abs) {
            throw new PathEscapeError(
              `Move to ${op.moveTo}: the destination already exists, and apply_patch does not overwrite a file on a move (Codex would). To replace it, put '*** Delete File: ${op.moveTo}' before '*** Update File: ${op.path}' in the same patch; otherwise move to a path that does not exist.`,
            );
          }
          f.next = null;
          dest.next = updated;
          changes.push({ path: f.rel, kind: "D" }, { path: dest.rel, kind: "A" });
        } else {
          f.next = updated;
          changes.push({ path: f.rel, kind: "M" });
        }
      }
    } catch (error) {
      if (error instanceof HunkError || error instanceof PathEscapeError) errors.push(error.message);
      else throw error;
    }
  }
  if (errors.length > 0) return fail(`${NOTHING_CHANGED}\n${errors.join("\n\n")}`);

  const written: FileState[] = [];
  try {
    for (const f of files.values()) {
      if (f.next === f.original) continue;
      written.push(f);
      await writeState(f.abs, f.next);
    }
  } catch (error) {
    for (const f of written.reverse()) await writeState(f.abs, f.original).catch(() => undefined);
    return fail(`Patch not applied (write failed: ${(error as Error).message}); no file was changed. Send the whole patch again once the cause is fixed.`);
  }
  const lines = changes.map((c) => `${c.kind} ${c.path}`);
  return { ok: true, output: `Success. Updated the following files:\n${lines.join("\n")}`, changes };
}

async function writeState(abs: string, content: string | null): Promise<void> {
  if (content === null) {
    await rm(abs, { force: true });
    return;
  }
  await mkdir(path.dirname(abs), { recursive: true });
  // O_NOFOLLOW: if the final component became a symlink after the check, fail instead of following.
  const handle = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    await handle.writeFile(content, "utf8");
  } finally {
    await handle.close();
  }
}

function fail(output: string): PatchResult {
  return { ok: false, output, changes: [] };
}
