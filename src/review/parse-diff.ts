/**
 * Unified diff parsing: `git diff` text (as the workspace's unifiedDiff or GitHub's .diff media
 * type produce it) or the per-file `patch` strings of the pulls "list files" API. Linear time, no
 * backtracking regexes on line content, so a 5,000-line diff parses in milliseconds.
 */
export type DiffFileStatus = "added" | "modified" | "removed" | "renamed";

export interface DiffLine {
  kind: "add" | "del" | "context";
  text: string;
  /** Line on the LEFT (base) side, for del and context lines. */
  oldLine?: number;
  /** Line on the RIGHT (head) side, for add and context lines. */
  newLine?: number;
}

export interface DiffHunk {
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

export interface DiffFile {
  path: string;
  oldPath?: string;
  status: DiffFileStatus;
  binary: boolean;
  /** GitHub left the patch out because it is too large to show. */
  tooLarge?: boolean;
  hunks: DiffHunk[];
}

export interface AddedLine {
  line: number;
  text: string;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function unquote(p: string): string {
  let s = p.trim();
  if (s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).replace(/\\(.)/g, "$1");
  return s;
}

function stripPrefix(p: string): string | null {
  const s = unquote(p.split("\t")[0] ?? "");
  if (s === "/dev/null") return null;
  return s.replace(/^[ab]\//, "");
}

/** Parse hunks of one file's patch (text starting at the first `@@`). */
export function parseHunks(patch: string): DiffHunk[] {
  return parseHunkLines(patch.split("\n"), 0).hunks;
}

function parseHunkLines(lines: string[], start: number): { hunks: DiffHunk[]; next: number } {
  const hunks: DiffHunk[] = [];
  let i = start;
  let hunk: DiffHunk | null = null;
  let oldNo = 0;
  let newNo = 0;
  for (; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    if (raw.startsWith("diff --git ")) break;
    if (raw.startsWith("@@")) {
      const m = HUNK_HEADER.exec(raw);
      if (!m) continue;
      oldNo = Number(m[1]);
      newNo = Number(m[3]);
      hunk = { oldStart: oldNo, newStart: newNo, lines: [] };
      hunks.push(hunk);
      continue;
    }
    if (!hunk) {
      // A plain diff (no `diff --git` line) starts its next file with `--- `.
      if (raw.startsWith("--- ") && hunks.length > 0) break;
      continue;
    }
    const tag = raw[0];
    const text = raw.slice(1).replace(/\r$/, "");
    if (tag === "+") hunk.lines.push({ kind: "add", text, newLine: newNo++ });
    else if (tag === "-") {
      // `--- a/x` right after a hunk is the next file of a plain diff.
      if (raw.startsWith("--- ") && (lines[i + 1] ?? "").startsWith("+++ ")) break;
      hunk.lines.push({ kind: "del", text, oldLine: oldNo++ });
    } else if (tag === " " || raw === "") {
      if (raw === "" && i === lines.length - 1) continue; // trailing newline of the whole text
      hunk.lines.push({ kind: "context", text, oldLine: oldNo++, newLine: newNo++ });
    } else if (tag === "\\")
      continue; // "\ No newline at end of file"
    else break;
  }
  return { hunks, next: i };
}

/** Parse a whole `git diff` (or plain unified diff) into files. */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const lines = text.split("\n");
  const files: DiffFile[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i] ?? "";
    if (!raw.startsWith("diff --git ") && !(raw.startsWith("--- ") && (lines[i + 1] ?? "").startsWith("+++ "))) {
      i++;
      continue;
    }
    const file: DiffFile = { path: "", status: "modified", binary: false, hunks: [] };
    if (raw.startsWith("diff --git ")) {
      const m = /^diff --git ("?a\/.*?"?) ("?b\/.*"?)$/.exec(raw);
      if (m) {
        file.oldPath = stripPrefix(m[1] ?? "") ?? undefined;
        file.path = stripPrefix(m[2] ?? "") ?? "";
      }
      i++;
    }
    // Extended headers up to the first hunk or the next file.
    for (; i < lines.length; i++) {
      const h = lines[i] ?? "";
      if (h.startsWith("@@") || h.startsWith("diff --git ")) break;
      if (h.startsWith("new file mode")) file.status = "added";
      else if (h.startsWith("deleted file mode")) file.status = "removed";
      else if (h.startsWith("rename from ")) {
        file.oldPath = unquote(h.slice(12));
        file.status = "renamed";
      } else if (h.startsWith("rename to ")) file.path = unquote(h.slice(10));
      else if (h.startsWith("Binary files ") || h.startsWith("GIT binary patch")) file.binary = true;
      else if (h.startsWith("--- ")) {
        const p = stripPrefix(h.slice(4));
        if (p === null) file.status = "added";
        else file.oldPath = p;
      } else if (h.startsWith("+++ ")) {
        const p = stripPrefix(h.slice(4));
        if (p === null) file.status = "removed";
        else file.path = p;
      }
    }
    if (!file.path && file.oldPath) file.path = file.oldPath;
    if (file.oldPath === file.path) delete file.oldPath;
    const parsed = parseHunkLines(lines, i);
    file.hunks = parsed.hunks;
    i = parsed.next;
    files.push(file);
  }
  return files;
}

/** Lines the PR adds to a file, with their RIGHT-side line numbers. */
export function addedLines(file: DiffFile): AddedLine[] {
  const out: AddedLine[] = [];
  for (const h of file.hunks) for (const l of h.lines) if (l.kind === "add" && l.newLine !== undefined) out.push({ line: l.newLine, text: l.text });
  return out;
}

/**
 * RIGHT-side lines GitHub accepts a review comment on (added and context lines of a hunk), mapped
 * to the index of their hunk so a range can be checked to stay inside one hunk.
 */
export function rightSideLines(file: DiffFile): Map<number, number> {
  const out = new Map<number, number>();
  file.hunks.forEach((h, index) => {
    for (const l of h.lines) if (l.newLine !== undefined) out.set(l.newLine, index);
  });
  return out;
}

/** The text of a RIGHT-side line present in the diff, or undefined. */
export function rightLineText(file: DiffFile, line: number): string | undefined {
  for (const h of file.hunks) for (const l of h.lines) if (l.newLine === line) return l.text;
  return undefined;
}

/** Convert the pulls "list files" API entries into DiffFiles. */
export function diffFilesFromPullFiles(
  entries: readonly { filename: string; previous_filename?: string; status: string; patch?: string; changes?: number }[],
): DiffFile[] {
  return entries.map((e) => {
    const status: DiffFileStatus = e.status === "added" ? "added" : e.status === "removed" ? "removed" : e.status === "renamed" ? "renamed" : "modified";
    const file: DiffFile = { path: e.filename, status, binary: false, hunks: e.patch ? parseHunks(e.patch) : [] };
    if (e.previous_filename) file.oldPath = e.previous_filename;
    // GitHub omits `patch` for binary files and for diffs too large to show.
    if (e.patch === undefined && status !== "removed") {
      if ((e.changes ?? 0) === 0) file.binary = true;
      else file.tooLarge = true;
    }
    return file;
  });
}
