import { stat } from "node:fs/promises";
import { z } from "zod";
import { readRegularFile } from "../../shared/read-regular-file.js";
import { defineTool } from "./define-tool.js";
import { PathEscapeError, resolveInWorkspace } from "./path-guard.js";
import { truncateOutput, type OutputCap } from "./truncate-output.js";

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_LINE_CHARS = 500;

export function isBinary(buf: Buffer): boolean {
  if (buf.subarray(0, 8192).includes(0)) return true;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(0, 64 * 1024));
    return false;
  } catch {
    // A cut in the middle of a multi-byte character at the 64 KiB edge is not binary.
    return buf.length <= 64 * 1024;
  }
}

export function createReadFileTool(cap: OutputCap) {
  return defineTool({
    name: "read_file",
    description:
      "Read a text file from the repository. Lines are prefixed with 'L<number>: '. Use offset (1-based line) and limit to page through large files.",
    schema: z.object({
      file_path: z.string().min(1).describe("Path relative to the repository root"),
      offset: z.number().int().min(1).optional().describe("First line to return, 1-based (default 1)"),
      limit: z.number().int().min(1).max(5000).optional().describe("Maximum lines to return (default 2000)"),
    }),
    mutating: false,
    async run(args, ctx) {
      try {
        const r = await resolveInWorkspace(ctx.workspaceDir, args.file_path);
        if (!r.exists) return { ok: false, output: `${args.file_path}: no such file.` };
        const s = await stat(r.abs);
        if (s.isDirectory()) return { ok: false, output: `${args.file_path}: is a directory; use list_dir.` };
        if (!s.isFile()) return { ok: false, output: `${args.file_path}: is not a regular file.` };
        if (s.size > MAX_FILE_BYTES) return { ok: false, output: `${args.file_path}: is too large (${s.size} bytes); use grep to find the part you need.` };
        // O_NOFOLLOW | O_NONBLOCK and fstat on the descriptor: a file swapped for a FIFO after the stat
        // must not block this process's thread pool.
        const read = await readRegularFile(r.abs, MAX_FILE_BYTES);
        if (!read.ok) return { ok: false, output: `${args.file_path}: ${read.reason === "too-large" ? "is too large" : "is not a regular file"}.` };
        const buf = read.bytes;
        if (isBinary(buf)) return { ok: true, output: `${args.file_path}: binary file (${s.size} bytes), not shown.` };
        const lines = buf.toString("utf8").split(/\r?\n/);
        if (lines.at(-1) === "") lines.pop();
        const offset = args.offset ?? 1;
        const limit = args.limit ?? 2000;
        if (offset > Math.max(lines.length, 1)) return { ok: false, output: `offset ${offset} is past the end of ${args.file_path} (${lines.length} lines).` };
        const slice = lines.slice(offset - 1, offset - 1 + limit);
        const body = slice.map((l, i) => `L${offset + i}: ${l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}…` : l}`).join("\n");
        const more = offset - 1 + slice.length < lines.length ? `\n[${lines.length} lines in total; continue with offset ${offset + slice.length}]` : "";
        return { ok: true, output: truncateOutput(body, cap) + more };
      } catch (error) {
        if (error instanceof PathEscapeError) return { ok: false, output: error.message };
        throw error;
      }
    },
  });
}
