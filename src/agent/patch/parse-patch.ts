/**
 * Parser for the V4A patch format Codex models are trained to write (OpenAI Codex's `apply_patch`):
 *
 *   *** Begin Patch
 *   *** Environment ID: id    (optional, newer Codex: accepted and ignored, one workspace here)
 *   *** Add File: path        (every following line starts with "+")
 *   *** Delete File: path
 *   *** Update File: path
 *   *** Move to: new/path     (optional, right after Update File)
 *   @@ optional context line  (anchors the hunk; repeated "@@" lines narrow it further)
 *    context / -removed / +added lines
 *   *** End of File           (optional: the hunk must match at the end of the file)
 *   *** End Patch
 *
 * It follows Codex's parser line for line where Codex is defined (test/unit/agent/
 * apply-patch-conformance.test.ts mirrors Codex's scenarios and parser tests): lenient about
 * whitespace around markers, a `<<'EOF'` heredoc wrapper (with matching quotes), blank lines
 * between hunks and a missing "@@" before the first hunk; strict where a guess could corrupt a file
 * (a hunk without lines, a line that is neither context nor change). Errors name the line so the
 * model can fix its patch.
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
  { type: "add"; path: string; contents: string } | { type: "delete"; path: string } | { type: "update"; path: string; moveTo?: string; chunks: PatchChunk[] };

export interface ParsedPatch {
  operations: PatchOperation[];
  /** `*** Environment ID:` of newer Codex patches; this app has one workspace, so it is only recorded. */
  environmentId?: string;
}

export class PatchParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatchParseError";
  }
}

export const BEGIN = "*** Begin Patch";
export const END = "*** End Patch";
export const ADD = "*** Add File: ";
export const DELETE = "*** Delete File: ";
export const UPDATE = "*** Update File: ";
export const MOVE = "*** Move to: ";
export const EOF_MARK = "*** End of File";
export const ENV_ID = "*** Environment ID:";

/** `<<EOF`, `<<'EOF'`, `<<"EOF"` (also `<<-` and `apply_patch <<'X'`); the quotes must match. */
const HEREDOC_OPEN = /^(?:apply_?patch\s*)?<<-?\s*(?:'(\w+)'|"(\w+)"|(\w+))$/;

/** Lines as Rust's `str::lines()` gives them: split on LF, a CR before the LF dropped. */
export function patchLines(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

function boundaryError(lines: readonly string[]): PatchParseError | null {
  const first = lines[0]?.trim();
  const last = lines[lines.length - 1]?.trim();
  if (first === BEGIN && last === END && lines.length >= 2) return null;
  if (first !== BEGIN) return new PatchParseError(`The first line of the patch must be '${BEGIN}'.`);
  return new PatchParseError(`The last line of the patch must be '${END}'.`);
}

/** The lines between Begin and End Patch, unwrapping a heredoc the way Codex's lenient mode does. */
function bodyOf(text: string): string[] {
  const lines = patchLines(text.trim());
  const strict = boundaryError(lines);
  if (!strict) return lines.slice(1, -1);
  const open = lines.length >= 4 ? HEREDOC_OPEN.exec(lines[0]!.trim()) : null;
  const delimiter = open ? (open[1] ?? open[2] ?? open[3]) : undefined;
  if (delimiter === undefined || lines[lines.length - 1]!.trim() !== delimiter) throw strict;
  const inner = lines.slice(1, -1);
  const innerError = boundaryError(inner);
  if (innerError) throw innerError;
  return inner.slice(1, -1);
}

const lineNo = (bodyIndex: number) => bodyIndex + 2;

function isHeaderLine(line: string): boolean {
  return line.trimStart().startsWith("***");
}

export function parsePatch(text: string): PatchOperation[] {
  return parsePatchText(text).operations;
}

export function parsePatchText(text: string): ParsedPatch {
  const body = bodyOf(text);
  const out: ParsedPatch = { operations: [] };
  const ops = out.operations;
  let i = 0;
  // Optional preamble: `*** Environment ID: <id>` (once, before the first file operation).
  for (; i < body.length; i++) {
    const t = body[i]!.trim();
    if (t === "") continue;
    if (!t.startsWith(ENV_ID)) break;
    const id = t.slice(ENV_ID.length).trim();
    if (!id) throw new PatchParseError(`Line ${lineNo(i)}: '${ENV_ID}' needs a value (or leave the line out).`);
    if (out.environmentId !== undefined) throw new PatchParseError(`Line ${lineNo(i)}: '${ENV_ID}' may be given only once.`);
    out.environmentId = id;
  }
  while (i < body.length) {
    const header = body[i]!.trim();
    if (header === "") {
      i++;
      continue;
    }
    if (header.startsWith(ADD)) {
      const path = header.slice(ADD.length).trim();
      const content: string[] = [];
      i++;
      for (; i < body.length; i++) {
        const l = body[i]!;
        if (l.startsWith("+")) {
          content.push(l.slice(1));
          continue;
        }
        if (isHeaderLine(l) || (l.trim() === "" && onlyBlankUntilHeader(body, i))) break;
        throw new PatchParseError(
          `Line ${lineNo(i)}: every line of an added file must start with '+' (in ${path}); write an empty line of the new file as a lone '+'.`,
        );
      }
      ops.push({ type: "add", path, contents: content.map((l) => `${l}\n`).join("") });
      continue;
    }
    if (header.startsWith(DELETE)) {
      ops.push({ type: "delete", path: header.slice(DELETE.length).trim() });
      i++;
      continue;
    }
    if (header.startsWith(UPDATE)) {
      const path = header.slice(UPDATE.length).trim();
      const at = i;
      i++;
      let moveTo: string | undefined;
      if (i < body.length && body[i]!.trim().startsWith(MOVE)) {
        moveTo = body[i]!.trim().slice(MOVE.length).trim();
        i++;
      }
      const parsed = parseChunks(body, i, path);
      i = parsed.next;
      if (parsed.chunks.length === 0 && moveTo === undefined) {
        throw new PatchParseError(`Line ${lineNo(at)}: Update File ${path} has no hunks; add '@@' and the ' ', '-' and '+' lines of the change.`);
      }
      ops.push({ type: "update", path, ...(moveTo !== undefined ? { moveTo } : {}), chunks: parsed.chunks });
      continue;
    }
    if (header === EOF_MARK) throw new PatchParseError(`Line ${lineNo(i)}: '${EOF_MARK}' belongs right after the lines of an Update File hunk.`);
    if (header.startsWith(ENV_ID)) throw new PatchParseError(`Line ${lineNo(i)}: '${ENV_ID}' must come right after '${BEGIN}', before the first file.`);
    throw new PatchParseError(
      `Line ${lineNo(i)}: '${header.slice(0, 80)}' is not a valid patch header; expected '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}' or '${END}'.`,
    );
  }
  for (const op of ops) {
    if (!op.path) throw new PatchParseError("A file operation has an empty path.");
    if (op.type === "update" && op.moveTo === "") throw new PatchParseError(`'*** Move to:' for ${op.path} has an empty path.`);
  }
  return out;
}

function onlyBlankUntilHeader(body: readonly string[], from: number): boolean {
  for (let j = from; j < body.length; j++) {
    if (isHeaderLine(body[j]!)) return true;
    if (body[j]!.trim() !== "") return false;
  }
  return true;
}

/**
 * The hunks of one Update File, as Codex's `parse_update_file_chunk` reads them: each starts with
 * "@@" (optional for the first), runs while lines start with ' ', '-', '+' or are empty (an empty
 * context line), and ends at the next "@@", a "***" header, or right after `*** End of File`.
 * Blank lines between hunks are skipped, so a blank line after `*** End of File` is not a line of
 * the hunk before it.
 */
function parseChunks(body: readonly string[], start: number, path: string): { chunks: PatchChunk[]; next: number } {
  const chunks: PatchChunk[] = [];
  let i = start;
  while (i < body.length) {
    const first = body[i]!;
    if (first.trim() === "") {
      i++;
      continue;
    }
    if (isHeaderLine(first)) {
      if (first.trim() === EOF_MARK) throw new PatchParseError(`Line ${lineNo(i)}: '${EOF_MARK}' must follow the lines of a hunk (in ${path}).`);
      break;
    }
    const chunk: PatchChunk = { anchors: [], oldLines: [], newLines: [], isEndOfFile: false };
    const chunkStart = i;
    let marked = false;
    while (i < body.length && body[i]!.startsWith("@@")) {
      marked = true;
      const anchor = body[i]!.slice(2).trim();
      if (anchor) chunk.anchors.push(anchor);
      i++;
    }
    if (!marked && chunks.length > 0) {
      throw new PatchParseError(
        `Line ${lineNo(i)}: '${first.slice(0, 80)}' in ${path}: a line of a hunk starts with ' ' (context), '-' (remove) or '+' (add), and a new hunk starts with '@@'.`,
      );
    }
    let count = 0;
    for (; i < body.length; i++) {
      const line = body[i]!;
      if (line.trim() === EOF_MARK) {
        if (count === 0) break;
        chunk.isEndOfFile = true;
        i++;
        break;
      }
      const tag = line[0];
      const rest = line.slice(1);
      if (line === "") {
        // An empty line stands for an empty context line (editors drop the single space).
        chunk.oldLines.push("");
        chunk.newLines.push("");
      } else if (tag === " ") {
        chunk.oldLines.push(rest);
        chunk.newLines.push(rest);
      } else if (tag === "-") {
        chunk.oldLines.push(rest);
      } else if (tag === "+") {
        chunk.newLines.push(rest);
      } else {
        if (count === 0 && !isHeaderLine(line) && !line.startsWith("@@")) {
          throw new PatchParseError(`Line ${lineNo(i)}: '${line.slice(0, 80)}' in ${path} must start with ' ' (context), '-' (remove) or '+' (add).`);
        }
        break;
      }
      count++;
    }
    if (count === 0) {
      throw new PatchParseError(
        `Line ${lineNo(chunkStart)}: a hunk of ${path} has no lines; after '@@' come the ' ' (context), '-' (remove) and '+' (add) lines of the change.`,
      );
    }
    chunks.push(chunk);
  }
  return { chunks, next: i };
}
