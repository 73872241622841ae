/**
 * Conformance of apply_patch with OpenAI Codex's `apply_patch` (codex-rs/apply-patch, Apache-2.0).
 *
 * The tables below restate, in our own words and with our own file contents, the behaviour each
 * Codex test checks; every case names the Codex scenario or unit test it mirrors:
 * - SCENARIOS: tests/fixtures/scenarios/NNN_* (an input tree, a patch, the exact expected tree,
 *   directories included, compared the way Codex's tests/suite/scenarios.rs compares them);
 * - APPLY_CASES: the file-level tests in src/lib.rs;
 * - PARSE_CASES: src/parser.rs (test_parse_patch, test_parse_patch_lenient, test_parse_one_hunk,
 *   test_update_file_chunk) and the Environment ID preamble of newer Codex;
 * - SEEK_CASES: src/seek_sequence.rs;
 * - the streaming cases: src/streaming_parser.rs and parser.rs's parse_patch_streaming tests.
 *
 * Two behaviours differ on purpose (`deliberate`): a failing patch changes nothing (Codex keeps
 * what was applied before the failure), and `*** Move to:` onto an existing file is refused (Codex
 * overwrites). For those the table holds our expected tree and what Codex would do.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seekSequence } from "../../../src/agent/patch/apply-chunks.js";
import { applyPatch } from "../../../src/agent/patch/apply-patch.js";
import { parsePatch, parsePatchText, type PatchOperation } from "../../../src/agent/patch/parse-patch.js";
import { patchTargets, StreamingPatchParser } from "../../../src/agent/patch/stream-patch.js";
import { APPLY_PATCH_DESCRIPTION } from "../../../src/agent/tools/apply-patch-tool.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patch-conformance-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A tree: file path -> content; a path ending in "/" is a directory. */
type Tree = Record<string, string>;

async function lay(tree: Tree): Promise<void> {
  for (const [p, content] of Object.entries(tree)) {
    if (p.endsWith("/")) {
      await mkdir(path.join(dir, p), { recursive: true });
      continue;
    }
    await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await writeFile(path.join(dir, p), content);
  }
}

/** Every file and directory under the workspace, like Codex's snapshot_dir. */
async function snapshot(root = dir, prefix = ""): Promise<Tree> {
  const out: Tree = {};
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const rel = `${prefix}${entry.name}`;
    if (entry.isDirectory()) {
      out[`${rel}/`] = "";
      Object.assign(out, await snapshot(path.join(root, entry.name), `${rel}/`));
    } else if (entry.isFile()) {
      out[rel] = await readFile(path.join(root, entry.name), "utf8");
    }
  }
  return out;
}

const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");

interface Scenario {
  /** The Codex fixture directory this case restates. */
  mirrors: string;
  input: Tree;
  patch: string;
  /** The whole tree afterwards. */
  expected: Tree;
  ok: boolean;
  /** Our output must match this (the error must say what to do instead). */
  output?: RegExp;
  /** Set when we differ from Codex on purpose: what Codex does instead. */
  deliberate?: string;
}

const SCENARIOS: Scenario[] = [
  {
    mirrors: "001_add_file",
    input: {},
    patch: patch("*** Add File: notes.md", "+A fresh file"),
    expected: { "notes.md": "A fresh file\n" },
    ok: true,
  },
  {
    mirrors: "002_multiple_operations",
    input: { "gone.txt": "remove me\n", "edit.txt": "alpha\nbeta\n" },
    patch: patch("*** Add File: deep/made.txt", "+made", "*** Delete File: gone.txt", "*** Update File: edit.txt", "@@", "-beta", "+BETA"),
    expected: { "deep/": "", "deep/made.txt": "made\n", "edit.txt": "alpha\nBETA\n" },
    ok: true,
  },
  {
    mirrors: "003_multiple_chunks",
    input: { "list.txt": "one\ntwo\nthree\nfour\n" },
    patch: patch("*** Update File: list.txt", "@@", "-two", "+2", "@@", "-four", "+4"),
    expected: { "list.txt": "one\n2\nthree\n4\n" },
    ok: true,
  },
  {
    mirrors: "004_move_to_new_directory",
    input: { "src/a.txt": "before\n", "src/keep.txt": "untouched\n" },
    patch: patch("*** Update File: src/a.txt", "*** Move to: dest/sub/a.txt", "@@", "-before", "+after"),
    expected: { "src/": "", "src/keep.txt": "untouched\n", "dest/": "", "dest/sub/": "", "dest/sub/a.txt": "after\n" },
    ok: true,
  },
  {
    mirrors: "005_rejects_empty_patch",
    input: { "f.txt": "same\n" },
    patch: patch(),
    expected: { "f.txt": "same\n" },
    ok: false,
    output: /no file operations/,
  },
  {
    mirrors: "006_rejects_missing_context",
    input: { "f.txt": "one\ntwo\n" },
    patch: patch("*** Update File: f.txt", "@@", "-three", "+3"),
    expected: { "f.txt": "one\ntwo\n" },
    ok: false,
    output: /could not find the expected lines[\s\S]*three/,
  },
  {
    mirrors: "007_rejects_missing_file_delete",
    input: { "f.txt": "same\n" },
    patch: patch("*** Delete File: absent.txt"),
    expected: { "f.txt": "same\n" },
    ok: false,
    output: /absent\.txt: the file does not exist/,
  },
  {
    mirrors: "008_rejects_empty_update_hunk",
    input: { "f.txt": "same\n" },
    patch: patch("*** Update File: f.txt"),
    expected: { "f.txt": "same\n" },
    ok: false,
    output: /Update File f\.txt has no hunks/,
  },
  {
    mirrors: "009_requires_existing_file_for_update",
    input: { "f.txt": "same\n" },
    patch: patch("*** Update File: absent.txt", "@@", "-a", "+b"),
    expected: { "f.txt": "same\n" },
    ok: false,
    output: /absent\.txt: the file does not exist \(use '\*\*\* Add File:' to create it\)/,
  },
  {
    mirrors: "010_move_overwrites_existing_destination",
    input: { "src/a.txt": "from\n", "src/keep.txt": "untouched\n", "dest/a.txt": "occupied\n" },
    patch: patch("*** Update File: src/a.txt", "*** Move to: dest/a.txt", "@@", "-from", "+to"),
    expected: { "src/": "", "src/a.txt": "from\n", "src/keep.txt": "untouched\n", "dest/": "", "dest/a.txt": "occupied\n" },
    ok: false,
    output: /does not overwrite a file on a move[\s\S]*put '\*\*\* Delete File: dest\/a\.txt' before '\*\*\* Update File: src\/a\.txt'/,
    deliberate: "Codex overwrites dest/a.txt with the moved file",
  },
  {
    mirrors: "010_move_overwrites_existing_destination (Codex's result, reached the way our error says)",
    input: { "src/a.txt": "from\n", "src/keep.txt": "untouched\n", "dest/a.txt": "occupied\n" },
    patch: patch("*** Delete File: dest/a.txt", "*** Update File: src/a.txt", "*** Move to: dest/a.txt", "@@", "-from", "+to"),
    expected: { "src/": "", "src/keep.txt": "untouched\n", "dest/": "", "dest/a.txt": "to\n" },
    ok: true,
  },
  {
    mirrors: "011_add_overwrites_existing_file",
    input: { "dup.txt": "old text\n" },
    patch: patch("*** Add File: dup.txt", "+new text"),
    expected: { "dup.txt": "new text\n" },
    ok: true,
  },
  {
    mirrors: "012_delete_directory_fails",
    input: { "folder/inner.txt": "stays\n" },
    patch: patch("*** Delete File: folder"),
    expected: { "folder/": "", "folder/inner.txt": "stays\n" },
    ok: false,
    output: /folder: is not a regular file/,
  },
  {
    mirrors: "013_rejects_invalid_hunk_header",
    input: { "f.txt": "same\n" },
    patch: patch("*** Rename File: f.txt"),
    expected: { "f.txt": "same\n" },
    ok: false,
    output: /Line 2: '\*\*\* Rename File: f\.txt' is not a valid patch header/,
  },
  {
    mirrors: "014_update_file_appends_trailing_newline",
    input: { "bare.txt": "last line without newline" },
    patch: patch("*** Update File: bare.txt", "@@", "-last line without newline", "+line one", "+line two"),
    expected: { "bare.txt": "line one\nline two\n" },
    ok: true,
  },
  {
    mirrors: "015_failure_after_partial_success_leaves_changes",
    input: {},
    patch: patch("*** Add File: made.txt", "+hi", "*** Update File: absent.txt", "@@", "-a", "+b"),
    expected: {},
    ok: false,
    output: /no file was changed[\s\S]*send the whole patch again, including the parts that had no error[\s\S]*absent\.txt: the file does not exist/,
    deliberate: "Codex leaves made.txt created before failing on absent.txt",
  },
  {
    mirrors: "016_pure_addition_update_chunk",
    input: { "grow.txt": "first\nsecond\n" },
    patch: patch("*** Update File: grow.txt", "@@", "+third", "+fourth"),
    expected: { "grow.txt": "first\nsecond\nthird\nfourth\n" },
    ok: true,
  },
  {
    mirrors: "017_whitespace_padded_hunk_header",
    input: { "f.txt": "old\n" },
    patch: ["*** Begin Patch", "   *** Update File: f.txt", "@@", "-old", "+new", "*** End Patch"].join("\n"),
    expected: { "f.txt": "new\n" },
    ok: true,
  },
  {
    mirrors: "018_whitespace_padded_patch_markers",
    input: { "f.txt": "one\n" },
    patch: ["  *** Begin Patch", "*** Update File: f.txt", "@@", "-one", "+two", "*** End Patch  "].join("\n"),
    expected: { "f.txt": "two\n" },
    ok: true,
  },
  {
    mirrors: "019_unicode_simple",
    input: { "f.txt": "header\nsmörgåsbord déjà vu\nfooter\n" },
    patch: patch("*** Update File: f.txt", "@@", " header", "-smörgåsbord déjà vu", "+smörgåsbord déjà vu ✔"),
    expected: { "f.txt": "header\nsmörgåsbord déjà vu ✔\nfooter\n" },
    ok: true,
  },
  {
    mirrors: "020_delete_file_success",
    input: { "keep.txt": "keep\n", "drop.txt": "drop\n" },
    patch: patch("*** Delete File: drop.txt"),
    expected: { "keep.txt": "keep\n" },
    ok: true,
  },
  {
    mirrors: "020_whitespace_padded_patch_marker_lines",
    input: { "f.txt": "one\n" },
    patch: ["*** Begin Patch   ", "*** Update File: f.txt", "@@", "-one", "+two", "   *** End Patch"].join("\n"),
    expected: { "f.txt": "two\n" },
    ok: true,
  },
  {
    mirrors: "021_update_file_deletion_only",
    input: { "f.txt": "a\nb\nc\n" },
    patch: patch("*** Update File: f.txt", "@@", " a", "-b", " c"),
    expected: { "f.txt": "a\nc\n" },
    ok: true,
  },
  {
    mirrors: "022_update_file_end_of_file_marker",
    input: { "f.txt": "head\ntail\n" },
    patch: patch("*** Update File: f.txt", "@@", " head", "-tail", "+tail, changed", "*** End of File"),
    expected: { "f.txt": "head\ntail, changed\n" },
    ok: true,
  },
];

async function run(c: { input: Tree; patch: string }) {
  await lay(c.input);
  return applyPatch(dir, c.patch);
}

describe("apply_patch vs Codex's scenario fixtures", () => {
  it("covers every Codex scenario (23 fixture directories)", () => {
    const mirrored = new Set(SCENARIOS.map((s) => s.mirrors.split(" ")[0]));
    expect(mirrored.size).toBe(23);
  });

  it.each(SCENARIOS)("$mirrors", async (s) => {
    const result = await run(s);
    expect(result.ok, result.output).toBe(s.ok);
    if (s.ok) expect(result.output).toMatch(/^Success\. Updated the following files:/);
    if (s.output) expect(result.output).toMatch(s.output);
    expect(await snapshot()).toEqual(s.expected);
  });
});

interface ApplyCase {
  /** The Codex test in src/lib.rs (or the issue case) this restates. */
  mirrors: string;
  before: string;
  patch: string[];
  /** The file afterwards; for errors, unchanged. */
  after: string;
  error?: RegExp;
}

const F = "f.txt";
const update = (...lines: string[]) => patch(`*** Update File: ${F}`, ...lines);

const APPLY_CASES: ApplyCase[] = [
  { mirrors: "lib.rs test_update_file_hunk_modifies_content", before: "keep\nold\n", patch: ["@@", " keep", "-old", "+new"], after: "keep\nnew\n" },
  {
    mirrors: "lib.rs test_multiple_update_chunks_apply_to_single_file",
    before: "p\nq\nr\ns\n",
    patch: ["@@", " p", "-q", "+Q", "@@", " r", "-s", "+S"],
    after: "p\nQ\nr\nS\n",
  },
  {
    mirrors: "lib.rs test_update_file_hunk_interleaved_changes",
    before: "1\n2\n3\n4\n5\n6\n",
    patch: ["@@", " 1", "-2", "+two", "@@", " 3", " 4", "-5", "+five", "@@", " 6", "+7", "*** End of File"],
    after: "1\ntwo\n3\n4\nfive\n6\n7\n",
  },
  {
    mirrors: "lib.rs test_pure_addition_chunk_followed_by_removal (an add-only hunk without anchor goes to the end)",
    before: "x1\nx2\nx3\n",
    patch: ["@@", "+appended one", "+appended two", "@@", " x1", "-x2", "-x3", "+x2 and x3"],
    after: "x1\nx2 and x3\nappended one\nappended two\n",
  },
  {
    mirrors: "lib.rs test_update_line_with_unicode_dash (typographic punctuation matches ASCII)",
    before: "let s = \u201Cquoted\u201D \u2013 non\u2011breaking\u00A0space;\n",
    patch: ["@@", '-let s = "quoted" - non-breaking space;', "+let s = 'plain';"],
    after: "let s = 'plain';\n",
  },
  {
    mirrors: "lib.rs test_unified_diff_first_line_replacement",
    before: "top\nmid\nend\n",
    patch: ["@@", "-top", "+TOP", " mid", ""],
    after: "TOP\nmid\nend\n",
  },
  {
    mirrors: "lib.rs test_unified_diff_last_line_replacement",
    before: "top\nmid\nend\n",
    patch: ["@@", " top", " mid", "-end", "+END", ""],
    after: "top\nmid\nEND\n",
  },
  { mirrors: "lib.rs test_derive_new_contents_lf_trailing_newline", before: "a\nb\n", patch: ["@@", " a", "-b", "+B", ""], after: "a\nB\n" },
  {
    mirrors: "lib.rs test_unified_diff_insert_at_eof: a blank line after '*** End of File' (the issue's bug: it put quux at the top)",
    before: "foo\nbar\nbaz\n",
    patch: ["@@", "+quux", "*** End of File", ""],
    after: "foo\nbar\nbaz\nquux\n",
  },
  {
    mirrors: "issue: an add-only hunk with an '@@' anchor and '*** End of File' goes to the end, not after the anchor",
    before: "foo\nbar\nbaz\n",
    patch: ["@@ foo", "+quux", "*** End of File"],
    after: "foo\nbar\nbaz\nquux\n",
  },
  {
    mirrors: "issue: blank lines after an add-only hunk, before the next header, do not move it to the top",
    before: "foo\nbar\nbaz\n",
    patch: ["@@", "+quux", "", ""],
    after: "foo\nbar\nbaz\nquux\n",
  },
  {
    mirrors: "ours: an add-only hunk with an anchor (no End of File) goes right after the anchor line (Codex: at the end)",
    before: "class A:\n    x = 1\nclass B:\n    y = 2\n",
    patch: ["@@ class A:", "+    w = 0"],
    after: "class A:\n    w = 0\n    x = 1\nclass B:\n    y = 2\n",
  },
  {
    mirrors: "lib.rs test_preserve_crlf_line_endings_on_update (Codex: Windows only; here on every platform)",
    before: "a\r\nb\r\nc\r\n",
    patch: ["@@", " a", "-b", "+B", "@@", " c", "+d", "*** End of File"],
    after: "a\r\nB\r\nc\r\nd\r\n",
  },
  {
    mirrors: "lib.rs test_preserve_crlf_embedded_carriage_returns_on_append",
    before: "foo\r\r\nbar\r\n",
    patch: ["@@", "+BAZ", "*** End of File"],
    after: "foo\r\r\nbar\r\nBAZ\r\n",
  },
  {
    mirrors: "seek_sequence: '*** End of File' matches the last occurrence",
    before: "a\nb\na\nb\n",
    patch: ["@@", " a", "-b", "+B", "*** End of File"],
    after: "a\nb\na\nB\n",
  },
  {
    mirrors: "Codex compute_replacements: a trailing empty hunk line stands for the final newline",
    before: "a\nend\n",
    patch: ["@@", " a", "-end", "+END", ""],
    after: "a\nEND\n",
  },
  {
    mirrors: "Codex compute_replacements: '@@ <context>' narrows where the hunk applies",
    before: "impl A\n  one\nimpl B\n  one\n",
    patch: ["@@ impl B", "-  one", "+  ein"],
    after: "impl A\n  one\nimpl B\n  ein\n",
  },
  {
    mirrors: "Codex compute_replacements: an '@@' anchor that is not in the file is an error",
    before: "a\n",
    patch: ["@@ missing", "-a", "+b"],
    after: "a\n",
    error: /could not find the '@@ missing' line/,
  },
  {
    mirrors: "Codex compute_replacements: lines not found is an error that shows them",
    before: "a\nb\n",
    patch: ["@@", "-nope", "-nah", "+x"],
    after: "a\nb\n",
    error: /could not find the expected lines[\s\S]*nope\n {2}nah[\s\S]*Re-read the file/,
  },
  {
    mirrors: "never a wrong success: '*** End of File' lines that overlap the previous hunk",
    before: "a\nb\nc\n",
    patch: ["@@", " a", "-b", "+B", " c", "@@", " b", "-c", "+C", "*** End of File"],
    after: "a\nb\nc\n",
    error: /Hunks must not overlap/,
  },
  {
    mirrors: "never a wrong success: removing an empty line the file does not have",
    before: "a\nb\n",
    patch: ["@@", "-"],
    after: "a\nb\n",
    error: /could not find the expected lines/,
  },
  {
    mirrors: "never a wrong success: the same position keeps hunk order (two add-only hunks at the end)",
    before: "a\n",
    patch: ["@@", "+b", "@@", "+c"],
    after: "a\nb\nc\n",
  },
];

describe("apply_patch vs Codex's apply tests", () => {
  it.each(APPLY_CASES)("$mirrors", async (c) => {
    await lay({ [F]: c.before });
    const result = await applyPatch(dir, update(...c.patch));
    if (c.error) {
      expect(result.ok).toBe(false);
      expect(result.output).toMatch(c.error);
      expect(result.output).toMatch(/no file was changed/i);
    } else {
      expect(result.output).toMatch(/^Success/);
    }
    expect(await readFile(path.join(dir, F), "utf8")).toBe(c.after);
  });

  it("lib.rs test_add_file_hunk_creates_file_with_contents / test_delete_file_hunk_removes_file / test_update_file_hunk_can_move_file: the A/M/D summary", async () => {
    await lay({ "del.txt": "x", "src.txt": "line\n" });
    const result = await applyPatch(
      dir,
      patch("*** Add File: add.txt", "+ab", "+cd", "*** Delete File: del.txt", "*** Update File: src.txt", "*** Move to: dst.txt", "@@", "-line", "+line2"),
    );
    expect(result.output).toBe("Success. Updated the following files:\nA add.txt\nD del.txt\nD src.txt\nA dst.txt");
    expect(await snapshot()).toEqual({ "add.txt": "ab\ncd\n", "dst.txt": "line2\n" });
  });

  it("the tool description tells the model both deliberate differences and what to do instead", () => {
    expect(APPLY_PATCH_DESCRIPTION).toMatch(/All or nothing: if any part fails[\s\S]*no file is changed[\s\S]*send the whole patch again/);
    expect(APPLY_PATCH_DESCRIPTION).toMatch(/'\*\*\* Move to:' never overwrites[\s\S]*put '\*\*\* Delete File: new\/path' before the Update File/);
    expect(APPLY_PATCH_DESCRIPTION).toMatch(/only '\+' lines is inserted right after its '@@' anchor[\s\S]*'\*\*\* End of File', it is appended at the end/);
  });
});

interface ParseCase {
  /** The Codex parser test (and assertion) this restates. */
  mirrors: string;
  text: string;
  ops?: PatchOperation[];
  error?: RegExp;
}

type ChunkSpec = { anchors?: string[]; oldLines: string[]; newLines: string[]; isEndOfFile?: boolean };
const upd = (p: string, chunks: ChunkSpec[], moveTo?: string): PatchOperation => ({
  type: "update",
  path: p,
  ...(moveTo !== undefined ? { moveTo } : {}),
  chunks: chunks.map((c) => ({ anchors: c.anchors ?? [], oldLines: c.oldLines, newLines: c.newLines, isEndOfFile: c.isEndOfFile ?? false })),
});
const INNER = "*** Begin Patch\n*** Update File: file2.py\n import foo\n+bar\n*** End Patch";
const INNER_OPS = [upd("file2.py", [{ oldLines: ["import foo"], newLines: ["import foo", "bar"] }])];

const PARSE_CASES: ParseCase[] = [
  { mirrors: "test_parse_patch: a first line that is not Begin Patch", text: "bad", error: /The first line of the patch must be '\*\*\* Begin Patch'/ },
  { mirrors: "test_parse_patch: no End Patch", text: "*** Begin Patch\nbad", error: /The last line of the patch must be '\*\*\* End Patch'/ },
  {
    mirrors: "test_parse_patch: whitespace around Begin and End",
    text: "*** Begin Patch \n*** Add File: foo\n+hi\n *** End Patch",
    ops: [{ type: "add", path: "foo", contents: "hi\n" }],
  },
  {
    mirrors: "test_parse_patch: an Update File without hunks",
    text: "*** Begin Patch\n*** Update File: test.py\n*** End Patch",
    error: /Line 2: Update File test\.py has no hunks/,
  },
  { mirrors: "test_parse_patch: no operations parse to an empty list (applying it fails)", text: "*** Begin Patch\n*** End Patch", ops: [] },
  {
    mirrors: "test_parse_patch: add, delete and update with move",
    text: patch(
      "*** Add File: path/add.py",
      "+abc",
      "+def",
      "*** Delete File: path/delete.py",
      "*** Update File: path/update.py",
      "*** Move to: path/update2.py",
      "@@ def f():",
      "-    pass",
      "+    return 123",
    ),
    ops: [
      { type: "add", path: "path/add.py", contents: "abc\ndef\n" },
      { type: "delete", path: "path/delete.py" },
      upd("path/update.py", [{ anchors: ["def f():"], oldLines: ["    pass"], newLines: ["    return 123"] }], "path/update2.py"),
    ],
  },
  {
    mirrors: "test_parse_patch: an update hunk followed by an Add File",
    text: patch("*** Update File: file.py", "@@", "+line", "*** Add File: other.py", "+content"),
    ops: [upd("file.py", [{ oldLines: [], newLines: ["line"] }]), { type: "add", path: "other.py", contents: "content\n" }],
  },
  { mirrors: "test_parse_patch: the first hunk without '@@'", text: INNER, ops: INNER_OPS },
  { mirrors: "test_parse_patch_lenient: <<EOF heredoc", text: `<<EOF\n${INNER}\nEOF\n`, ops: INNER_OPS },
  { mirrors: "test_parse_patch_lenient: <<'EOF' heredoc", text: `<<'EOF'\n${INNER}\nEOF\n`, ops: INNER_OPS },
  { mirrors: 'test_parse_patch_lenient: <<"EOF" heredoc', text: `<<"EOF"\n${INNER}\nEOF\n`, ops: INNER_OPS },
  {
    mirrors: "test_parse_patch_lenient: mismatched heredoc quotes are rejected",
    text: `<<"EOF'\n${INNER}\nEOF\n`,
    error: /The first line of the patch must be '\*\*\* Begin Patch'/,
  },
  {
    mirrors: "test_parse_patch_lenient: mismatched heredoc quotes, the other way round",
    text: `<<'EOF"\n${INNER}\nEOF\n`,
    error: /The first line of the patch must be '\*\*\* Begin Patch'/,
  },
  {
    mirrors: "test_parse_patch_lenient: a heredoc whose patch has no End Patch",
    text: "<<EOF\n*** Begin Patch\n*** Update File: file2.py\nEOF\n",
    error: /The last line of the patch must be '\*\*\* End Patch'/,
  },
  {
    mirrors: "test_parse_one_hunk: an invalid hunk header",
    text: patch("bad"),
    error: /Line 2: 'bad' is not a valid patch header; expected '\*\*\* Add File: \{path\}', '\*\*\* Delete File: \{path\}', '\*\*\* Update File: \{path\}'/,
  },
  {
    mirrors: "test_update_file_chunk: a second hunk must start with '@@'",
    text: patch("*** Update File: f", "@@", "-a", "+b", "bad"),
    error: /Line 6: 'bad' in f: .* a new hunk starts with '@@'/,
  },
  { mirrors: "test_update_file_chunk: '@@' and nothing else", text: patch("*** Update File: f", "@@"), error: /Line 3: a hunk of f has no lines/ },
  {
    mirrors: "test_update_file_chunk: a line that is neither context nor change",
    text: patch("*** Update File: f", "@@", "bad"),
    error: /Line 4: 'bad' in f must start with ' ' \(context\), '-' \(remove\) or '\+' \(add\)/,
  },
  {
    mirrors: "test_update_file_chunk: '@@' then End of File, no lines",
    text: patch("*** Update File: f", "@@", "*** End of File"),
    error: /Line 3: a hunk of f has no lines/,
  },
  {
    mirrors: "test_update_file_chunk: an empty line is empty context; the hunk ends at the next header",
    text: patch("*** Update File: f", "@@ change_context", "", " context", "-remove", "+add", " context2"),
    ops: [upd("f", [{ anchors: ["change_context"], oldLines: ["", "context", "remove", "context2"], newLines: ["", "context", "add", "context2"] }])],
  },
  {
    mirrors: "test_update_file_chunk: '+' lines then End of File",
    text: patch("*** Update File: f", "@@", "+line", "*** End of File"),
    ops: [upd("f", [{ oldLines: [], newLines: ["line"], isEndOfFile: true }])],
  },
  {
    mirrors: "parser: blank lines after End of File belong to no hunk (the issue's End-of-File bug)",
    text: patch("*** Update File: f", "@@", "+quux", "*** End of File", "", ""),
    ops: [upd("f", [{ oldLines: [], newLines: ["quux"], isEndOfFile: true }])],
  },
  {
    mirrors: "parser: a line after End of File needs a new '@@'",
    text: patch("*** Update File: f", "@@", "+a", "*** End of File", "+b"),
    error: /Line 6: '\+b' in f: .* a new hunk starts with '@@'/,
  },
  {
    mirrors: "parser: an indented header inside a hunk is a context line (Codex: ' ' starts a context line)",
    text: patch("*** Update File: a.txt", "@@", "-old a", "+new a", " *** Update File: b.txt"),
    ops: [upd("a.txt", [{ oldLines: ["old a", "*** Update File: b.txt"], newLines: ["new a", "*** Update File: b.txt"] }])],
  },
  {
    mirrors: "parser: CRLF patch text",
    text: "*** Begin Patch\r\n*** Add File: a\r\n+x\r\n*** End Patch\r\n",
    ops: [{ type: "add", path: "a", contents: "x\n" }],
  },
  {
    mirrors: "newer Codex: the Environment ID preamble",
    text: patch("*** Environment ID: remote", "*** Add File: hello.txt", "+hello"),
    ops: [{ type: "add", path: "hello.txt", contents: "hello\n" }],
  },
  {
    mirrors: "newer Codex: an empty Environment ID",
    text: patch("*** Environment ID:   ", "*** Add File: a", "+x"),
    error: /'\*\*\* Environment ID:' needs a value/,
  },
  {
    mirrors: "newer Codex: a second Environment ID",
    text: patch("*** Environment ID: one", "*** Environment ID: two", "*** Add File: a", "+x"),
    error: /may be given only once/,
  },
  {
    mirrors: "newer Codex: Environment ID after the first file",
    text: patch("*** Add File: a", "+x", "*** Environment ID: late"),
    error: /must come right after '\*\*\* Begin Patch'/,
  },
];

describe("parsePatch vs Codex's parser tests", () => {
  it.each(PARSE_CASES)("$mirrors", (c) => {
    if (c.error) {
      expect(() => parsePatch(c.text)).toThrow(c.error);
    } else {
      expect(parsePatch(c.text)).toEqual(c.ops);
    }
  });

  it("records the Environment ID", () => {
    expect(parsePatchText(patch("*** Environment ID: remote", "*** Delete File: x")).environmentId).toBe("remote");
  });

  it("applies a patch with an Environment ID (one workspace: the id is not a path)", async () => {
    const result = await applyPatch(dir, patch("*** Environment ID: remote", "*** Add File: hello.txt", "+hello"));
    expect(result.ok).toBe(true);
    expect(await snapshot()).toEqual({ "hello.txt": "hello\n" });
  });

  it("a mismatched heredoc is refused by the applier too, and nothing is written", async () => {
    const result = await applyPatch(dir, `<<"EOF'\n*** Begin Patch\n*** Add File: x.txt\n+x\n*** End Patch\nEOF`);
    expect(result).toMatchObject({ ok: false });
    expect(existsSync(path.join(dir, "x.txt"))).toBe(false);
  });
});

const SEEK_CASES: { mirrors: string; lines: string[]; pattern: string[]; eof?: boolean; at: number }[] = [
  { mirrors: "test_exact_match_finds_sequence", lines: ["foo", "bar", "baz"], pattern: ["bar", "baz"], at: 1 },
  { mirrors: "test_rstrip_match_ignores_trailing_whitespace", lines: ["foo   ", "bar\t\t"], pattern: ["foo", "bar"], at: 0 },
  { mirrors: "test_trim_match_ignores_leading_and_trailing_whitespace", lines: ["    foo   ", "   bar\t"], pattern: ["foo", "bar"], at: 0 },
  { mirrors: "test_pattern_longer_than_input_returns_none", lines: ["just one line"], pattern: ["too", "many", "lines"], at: -1 },
  { mirrors: "normalise(): typographic punctuation folds to ASCII", lines: ["let x = \u2018a\u2019 \u2014 done"], pattern: ["let x = 'a' - done"], at: 0 },
  { mirrors: "eof: the search starts at the end of the file", lines: ["a", "b", "a", "b"], pattern: ["a", "b"], eof: true, at: 2 },
];

describe("seekSequence vs Codex's seek_sequence tests", () => {
  it.each(SEEK_CASES)("$mirrors", (c) => {
    expect(seekSequence(c.lines, c.pattern, 0, c.eof ?? false)).toBe(c.at);
  });
});

const LARGE_PATCH = [
  "*** Begin Patch",
  "*** Add File: docs/changes.md",
  "+# Changes",
  "+",
  "+- streamed progress",
  "*** Update File: src/settings.rs",
  "@@ impl Settings",
  "-    pub progress: bool,",
  "+    pub stream_progress: bool,",
  "     pub verbose: bool,",
  "@@ fn interval()",
  "-    ms(500)",
  "+    ms(250)",
  "*** Delete File: src/old_progress.rs",
  "*** Update File: cli/main.rs",
  "*** Move to: cli/bin/tool.rs",
  "@@ fn run()",
  "-    go(args)",
  "+    go(cli)",
  "*** Add File: fixtures/progress.json",
  '+{ "kind": "progress" }',
  "*** Update File: README.md",
  "@@ Development",
  " Build before opening a pull request.",
  "+Cover partial input in parser tests.",
  "*** Delete File: docs/old.md",
  "*** End Patch",
].join("\n");

describe("StreamingPatchParser vs Codex's streaming parser tests", () => {
  it("test_streaming_patch_parser_streams_complete_lines_before_end_patch: only complete lines count", () => {
    const p = new StreamingPatchParser();
    expect(p.pushDelta("*** Begin Patch\n*** Add File: src/hello.txt\n+hello\n+wor")).toEqual([{ type: "add", path: "src/hello.txt", contents: "hello\n" }]);
    expect(p.pushDelta("ld\n")).toEqual([{ type: "add", path: "src/hello.txt", contents: "hello\nworld\n" }]);
  });

  it("test_streaming_patch_parser_streams_complete_lines_before_end_patch: an update with a move", () => {
    const p = new StreamingPatchParser();
    expect(p.pushDelta("*** Begin Patch\n*** Update File: src/old.rs\n*** Move to: src/new.rs\n@@\n-old\n+new\n")).toEqual([
      upd("src/old.rs", [{ oldLines: ["old"], newLines: ["new"] }], "src/new.rs"),
    ]);
  });

  it("test_streaming_patch_parser_streams_complete_lines_before_end_patch: nothing until the line is complete", () => {
    const p = new StreamingPatchParser();
    expect(p.pushDelta("*** Begin Patch\n*** Delete File: gone.txt")).toBeNull();
    expect(p.pushDelta("\n")).toEqual([{ type: "delete", path: "gone.txt" }]);
  });

  it("test_streaming_patch_parser_streams_complete_lines_before_end_patch: several operations", () => {
    const p = new StreamingPatchParser();
    expect(p.pushDelta("*** Begin Patch\n*** Add File: src/one.txt\n+one\n*** Delete File: src/two.txt\n")).toEqual([
      { type: "add", path: "src/one.txt", contents: "one\n" },
      { type: "delete", path: "src/two.txt" },
    ]);
  });

  it("test_streaming_patch_parser_large_patch_split_by_character: counts only grow, and the result equals the full parse", () => {
    const p = new StreamingPatchParser();
    const seen: number[] = [];
    let last: PatchOperation[] = [];
    for (const ch of LARGE_PATCH) {
      const ops = p.pushDelta(ch);
      if (!ops) continue;
      expect(ops.length).toBeGreaterThanOrEqual(seen.at(-1) ?? 0);
      if (ops.length > (seen.at(-1) ?? 0)) seen.push(ops.length);
      last = ops;
    }
    p.pushDelta("\n");
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(last.map((op) => (op.type === "update" && op.moveTo ? "move-update" : op.type))).toEqual([
      "add",
      "update",
      "delete",
      "move-update",
      "add",
      "update",
      "delete",
    ]);
    expect(p.operations).toEqual(parsePatch(LARGE_PATCH));
  });

  it("test_parse_patch_streaming: without End Patch the streaming parser reports the delete, the full parser refuses the patch", () => {
    const text = "*** Begin Patch\n*** Delete File: gone.txt";
    expect(new StreamingPatchParser().pushDelta(`${text}\n`)).toEqual([{ type: "delete", path: "gone.txt" }]);
    expect(() => parsePatch(text)).toThrow(/The last line of the patch must be '\*\*\* End Patch'/);
  });

  it("parse_patch_streaming: no End Patch needed, and a partial line is left out", () => {
    const p = new StreamingPatchParser();
    expect(p.pushDelta("*** Begin Patch\n*** Update File: src/old.rs\n*** Move to: src/new.rs\n@@\n-old\n+new")).toEqual([
      upd("src/old.rs", [{ oldLines: ["old"], newLines: [] }], "src/new.rs"),
    ]);
  });

  it.each([
    { mirrors: "a first line that is not Begin Patch", feed: ["bad\n"], error: /The first line of the patch must be '\*\*\* Begin Patch'/ },
    { mirrors: "an invalid hunk header, line 2", feed: ["*** Begin Patch\n", "bad\n"], error: /Line 2: 'bad' is not a valid patch header/ },
    {
      mirrors: "a line of an added file without '+', line 3",
      feed: ["*** Begin Patch\n*** Add File: file.txt\nbad\n"],
      error: /Line 3: unexpected line in an added file: 'bad'\. Every line should start with '\+'/,
    },
    {
      mirrors: "a line after Delete File that is no header, line 3",
      feed: ["*** Begin Patch\n*** Delete File: file.txt\nbad\n"],
      error: /Line 3: 'bad' is not a valid patch header/,
    },
    {
      mirrors: "a line of an update that is neither context nor change",
      feed: ["*** Begin Patch\n*** Update File: f\n@@\n-old\nbad\n"],
      error: /Line 5: unexpected line in an update hunk: 'bad'/,
    },
  ])("test_streaming_patch_parser_returns_errors: $mirrors", ({ feed, error }) => {
    const p = new StreamingPatchParser();
    const push = () => {
      for (const d of feed) p.pushDelta(d);
    };
    expect(push).toThrow(error);
  });

  it("names the files of a partial patch for progress lines (what parsed before an error is kept)", () => {
    expect(patchTargets("*** Begin Patch\n*** Update File: a.ts\n*** Move to: b.ts\n@@\n-x\n+y\n*** Add File: c.ts\n+c")).toEqual(["a.ts → b.ts", "c.ts"]);
    expect(patchTargets("*** Begin Patch\n*** Delete File: d.ts\nnonsense\n*** Add File: e.ts\n")).toEqual(["d.ts"]);
  });
});
