/**
 * Incremental V4A parser for patch text that is still arriving (a tool call's arguments streamed
 * by the model, or a call cut short), after Codex's `StreamingPatchParser`: it reads complete
 * lines only, reports the file operations seen so far, and never needs `*** End Patch`. Its
 * output is for showing progress (which files a patch touches); applying always goes through
 * parsePatch on the whole text, which checks what this parser lets pass.
 */
import { ADD, BEGIN, DELETE, END, ENV_ID, EOF_MARK, MOVE, PatchParseError, UPDATE, type PatchChunk, type PatchOperation } from "./parse-patch.js";

type Mode = "not-started" | "started" | "add" | "delete" | "update" | "ended";

const HEADERS = "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'";

export class StreamingPatchParser {
  private buffer = "";
  private lineNumber = 0;
  private mode: Mode = "not-started";
  private readonly ops: PatchOperation[] = [];

  /** Feeds more text; returns the operations parsed from complete lines so far, or null if none yet. Throws PatchParseError. */
  pushDelta(delta: string): PatchOperation[] | null {
    for (const ch of delta) {
      if (ch !== "\n") {
        this.buffer += ch;
        continue;
      }
      const line = this.buffer.endsWith("\r") ? this.buffer.slice(0, -1) : this.buffer;
      this.buffer = "";
      this.lineNumber++;
      this.processLine(line);
    }
    return this.ops.length === 0 ? null : this.operations;
  }

  /** A copy of what was parsed so far (also after an error). */
  get operations(): PatchOperation[] {
    return structuredClone(this.ops);
  }

  private header(trimmed: string): boolean {
    if (trimmed === END) this.mode = "ended";
    else if (trimmed.startsWith(ADD)) {
      this.ops.push({ type: "add", path: trimmed.slice(ADD.length).trim(), contents: "" });
      this.mode = "add";
    } else if (trimmed.startsWith(DELETE)) {
      this.ops.push({ type: "delete", path: trimmed.slice(DELETE.length).trim() });
      this.mode = "delete";
    } else if (trimmed.startsWith(UPDATE)) {
      this.ops.push({ type: "update", path: trimmed.slice(UPDATE.length).trim(), chunks: [] });
      this.mode = "update";
    } else return false;
    return true;
  }

  private invalidHeader(trimmed: string): PatchParseError {
    return new PatchParseError(`Line ${this.lineNumber}: '${trimmed.slice(0, 80)}' is not a valid patch header; expected ${HEADERS} or '${END}'.`);
  }

  private processLine(line: string): void {
    const trimmed = line.trim();
    switch (this.mode) {
      case "not-started":
        if (trimmed !== BEGIN) throw new PatchParseError(`The first line of the patch must be '${BEGIN}'.`);
        this.mode = "started";
        return;
      case "started":
        if (this.header(trimmed)) return;
        if (trimmed === "" || (trimmed.startsWith(ENV_ID) && this.ops.length === 0)) return;
        throw this.invalidHeader(trimmed);
      case "add": {
        if (line.startsWith("+")) {
          const op = this.ops[this.ops.length - 1];
          if (op?.type === "add") op.contents += `${line.slice(1)}\n`;
          return;
        }
        if (this.header(trimmed) || trimmed === "") return;
        throw new PatchParseError(`Line ${this.lineNumber}: unexpected line in an added file: '${line.slice(0, 80)}'. Every line should start with '+'.`);
      }
      case "delete":
        if (this.header(trimmed) || trimmed === "") return;
        throw this.invalidHeader(trimmed);
      case "update":
        this.updateLine(line, trimmed);
        return;
      case "ended":
        return;
    }
  }

  private updateLine(line: string, trimmed: string): void {
    const op = this.ops[this.ops.length - 1];
    if (op?.type !== "update") return;
    const tag = line[0];
    // A line that is a change or context line belongs to the hunk even if it looks like a header.
    if (tag !== " " && tag !== "+" && tag !== "-" && line !== "" && this.header(trimmed)) return;
    if (op.chunks.length === 0 && op.moveTo === undefined && trimmed.startsWith(MOVE)) {
      op.moveTo = trimmed.slice(MOVE.length).trim();
      return;
    }
    const last: PatchChunk | undefined = op.chunks[op.chunks.length - 1];
    if (line.startsWith("@@")) {
      const anchor = line.slice(2).trim();
      const open = last && last.oldLines.length === 0 && last.newLines.length === 0 && !last.isEndOfFile;
      const chunk = open ? last : { anchors: [], oldLines: [], newLines: [], isEndOfFile: false };
      if (!open) op.chunks.push(chunk);
      if (anchor) chunk.anchors.push(anchor);
      return;
    }
    if (trimmed === EOF_MARK) {
      if (last) last.isEndOfFile = true;
      return;
    }
    if (line !== "" && tag !== " " && tag !== "+" && tag !== "-") {
      throw new PatchParseError(
        `Line ${this.lineNumber}: unexpected line in an update hunk: '${line.slice(0, 80)}'. Every line should start with ' ' (context line), '+' (added line) or '-' (removed line).`,
      );
    }
    let chunk = last;
    if (!chunk || chunk.isEndOfFile) {
      if (line === "") return; // a blank line between hunks
      chunk = { anchors: [], oldLines: [], newLines: [], isEndOfFile: false };
      op.chunks.push(chunk);
    }
    const rest = line.slice(1);
    if (line === "") {
      chunk.oldLines.push("");
      chunk.newLines.push("");
    } else if (tag === " ") {
      chunk.oldLines.push(rest);
      chunk.newLines.push(rest);
    } else if (tag === "+") chunk.newLines.push(rest);
    else chunk.oldLines.push(rest);
  }
}

/** The paths a (possibly partial) patch names, with `old → new` for a move; what parsed before an error. */
export function patchTargets(text: string): string[] {
  const parser = new StreamingPatchParser();
  try {
    parser.pushDelta(text.endsWith("\n") ? text : `${text}\n`);
  } catch {
    // Show what was understood before the bad line.
  }
  return parser.operations.map((op) => (op.type === "update" && op.moveTo ? `${op.path} → ${op.moveTo}` : op.path));
}
