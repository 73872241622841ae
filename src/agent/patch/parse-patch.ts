/**
 * Parser for the V4A patch format Codex models are trained to write:
 *
 *   *** Begin Patch
 *   *** Add File: path        (every following line starts with "+")
 *   *** Delete File: path
 *   *** Update File: path
 *   *** Move to: new/path     (optional, right after Update File)
 *   @@ optional context line  (anchors the hunk; repeated "@@" lines narrow it further)
 *    context / -removed / +added lines
 *   *** End of File           (optional: the hunk must match at the end of the file)
 *   *** End Patch
 *
 * Like Codex's parser it is lenient where models are sloppy (a heredoc wrapper, missing leading
 * space on blank context lines, missing "@@" before the first hunk) and strict where a guess could
 * corrupt a file. Errors name the line so the model can fix its patch.
 */

export interface PatchChunk {
  /** "@@ <text>" anchors, in order; each must be found before the chunk. */
  anchors: string[];
  oldLines: string[];
  newLines: string[];
  /** The chunk must match at the end of the file. */
  isEndOfFile: boolean;
}

export type PatchOperation =
  | { type: "add"; path: string; contents: string }
  | { type: "delete"; path: string }
  | { type: "update"; path: string; moveTo?: string; chunks: PatchChunk[] };

export class PatchParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatchParseError";
  }
}

const BEGIN = "*** Begin Patch";
const END = "*** End Patch";
const ADD = "*** Add File: ";
const DELETE = "*** Delete File: ";
const UPDATE = "*** Update File: ";
const MOVE = "*** Move to: ";
const EOF_MARK = "*** End of File";

/** Strips a `<<'EOF' ... EOF` heredoc wrapper models sometimes leave around the patch. */
function unwrap(text: string): string[] {
  let lines = text.replace(/\r\n/g, "\n").split("\n");
  while (lines.length > 0 && lines[0]!.trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  const first = lines[0]?.trim() ?? "";
  if (/^(apply_patch\s*)?<<-?\s*['"]?\w+['"]?$/.test(first) && lines.length >= 2) {
    lines = lines.slice(1, -1);
  }
  return lines;
}

export function parsePatch(text: string): PatchOperation[] {
  const lines = unwrap(text);
  if (lines[0]?.trim() !== BEGIN) throw new PatchParseError(`The first line of the patch must be '${BEGIN}'.`);
  if (lines[lines.length - 1]?.trim() !== END) throw new PatchParseError(`The last line of the patch must be '${END}'.`);
  const body = lines.slice(1, -1);
  const ops: PatchOperation[] = [];
  let i = 0;
  while (i < body.length) {
    const line = body[i]!;
    const header = line.trim();
    if (header === "") {
      i++;
      continue;
    }
    if (header.startsWith(ADD)) {
      const path = header.slice(ADD.length).trim();
      const out: string[] = [];
      i++;
      while (i < body.length && !body[i]!.startsWith("*** ")) {
        const l = body[i]!;
        if (!l.startsWith("+")) throw new PatchParseError(`Line ${i + 2}: every line of an added file must start with '+' (in ${path}).`);
        out.push(l.slice(1));
        i++;
      }
      ops.push({ type: "add", path, contents: out.length === 0 ? "" : out.join("\n") + "\n" });
      continue;
    }
    if (header.startsWith(DELETE)) {
      ops.push({ type: "delete", path: header.slice(DELETE.length).trim() });
      i++;
      continue;
    }
    if (header.startsWith(UPDATE)) {
      const path = header.slice(UPDATE.length).trim();
      i++;
      let moveTo: string | undefined;
      if (i < body.length && body[i]!.trim().startsWith(MOVE)) {
        moveTo = body[i]!.trim().slice(MOVE.length).trim();
        i++;
      }
      const parsed = parseChunks(body, i, path);
      i = parsed.next;
      if (parsed.chunks.length === 0 && moveTo === undefined) throw new PatchParseError(`Update of ${path} has no hunks.`);
      ops.push({ type: "update", path, ...(moveTo !== undefined ? { moveTo } : {}), chunks: parsed.chunks });
      continue;
    }
    throw new PatchParseError(
      `Line ${i + 2}: '${header.slice(0, 80)}' is not a valid patch header; expected '*** Add File:', '*** Delete File:', '*** Update File:' or '*** End Patch'.`,
    );
  }
  if (ops.length === 0) throw new PatchParseError("The patch contains no file operations.");
  for (const op of ops) if (!op.path) throw new PatchParseError("A file operation has an empty path.");
  return ops;
}

function parseChunks(body: string[], start: number, path: string): { chunks: PatchChunk[]; next: number } {
  const chunks: PatchChunk[] = [];
  let current: PatchChunk | undefined;
  let i = start;
  const fresh = (): PatchChunk => ({ anchors: [], oldLines: [], newLines: [], isEndOfFile: false });
  const hasLines = (c: PatchChunk | undefined) => !!c && (c.oldLines.length > 0 || c.newLines.length > 0);
  for (; i < body.length; i++) {
    const line = body[i]!;
    if (line.trim() === EOF_MARK) {
      if (!current) throw new PatchParseError(`Line ${i + 2}: '${EOF_MARK}' before any hunk in ${path}.`);
      current.isEndOfFile = true;
      continue;
    }
    if (line.startsWith("*** ")) break;
    if (line.startsWith("@@")) {
      if (hasLines(current) || !current) {
        if (current) chunks.push(current);
        current = fresh();
      }
      const anchor = line.slice(2).trim();
      if (anchor) current.anchors.push(anchor);
      continue;
    }
    current ??= fresh();
    const tag = line[0];
    const rest = line.slice(1);
    if (tag === " ") {
      current.oldLines.push(rest);
      current.newLines.push(rest);
    } else if (tag === "-") {
      current.oldLines.push(rest);
    } else if (tag === "+") {
      current.newLines.push(rest);
    } else if (line === "") {
      // Editors and models drop the single space of an empty context line.
      current.oldLines.push("");
      current.newLines.push("");
    } else {
      throw new PatchParseError(
        `Line ${i + 2}: '${line.slice(0, 80)}' in ${path} must start with ' ' (context), '-' (remove), '+' (add) or '@@'.`,
      );
    }
  }
  if (hasLines(current)) chunks.push(current!);
  // Trailing empty context lines are usually an artefact of the model's formatting.
  for (const c of chunks) {
    while (c.oldLines.length > 0 && c.newLines.length > 0 && c.oldLines.at(-1) === "" && c.newLines.at(-1) === "" && !c.isEndOfFile) {
      c.oldLines.pop();
      c.newLines.pop();
    }
  }
  return { chunks, next: i };
}
