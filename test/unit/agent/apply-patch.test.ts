import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyPatch } from "../../../src/agent/patch/apply-patch.js";
import { parsePatch } from "../../../src/agent/patch/parse-patch.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patch-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(spec: Record<string, string>) {
  for (const [p, c] of Object.entries(spec)) {
    await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await writeFile(path.join(dir, p), c);
  }
}
const read = (p: string) => readFile(path.join(dir, p), "utf8");

interface Case {
  name: string;
  before: Record<string, string>;
  patch: string;
  after?: Record<string, string | null>;
  error?: RegExp;
}

const cases: Case[] = [
  {
    name: "adds a file",
    before: {},
    patch: "*** Begin Patch\n*** Add File: src/new.js\n+export const a = 1;\n+\n*** End Patch",
    after: { "src/new.js": "export const a = 1;\n\n" },
  },
  {
    name: "deletes a file",
    before: { "old.txt": "bye\n" },
    patch: "*** Begin Patch\n*** Delete File: old.txt\n*** End Patch",
    after: { "old.txt": null },
  },
  {
    name: "updates and moves a file",
    before: { "a.js": "one\ntwo\nthree\n" },
    patch: "*** Begin Patch\n*** Update File: a.js\n*** Move to: lib/b.js\n@@\n one\n-two\n+TWO\n three\n*** End Patch",
    after: { "a.js": null, "lib/b.js": "one\nTWO\nthree\n" },
  },
  {
    name: "applies several hunks in order, with @@ anchors",
    before: { "m.py": "def a():\n    return 1\n\ndef b():\n    return 1\n\ndef c():\n    return 1\n" },
    patch: "*** Begin Patch\n*** Update File: m.py\n@@ def a():\n-    return 1\n+    return 10\n@@ def c():\n-    return 1\n+    return 30\n*** End Patch",
    after: { "m.py": "def a():\n    return 10\n\ndef b():\n    return 1\n\ndef c():\n    return 30\n" },
  },
  {
    name: "matches fuzzy context: trailing whitespace and unicode punctuation",
    before: { "t.md": "He said \u201chello\u201d \u2014 twice   \nend\n" },
    patch: '*** Begin Patch\n*** Update File: t.md\n@@\n-He said "hello" - twice\n+He said "hi"\n end\n*** End Patch',
    after: { "t.md": 'He said "hi"\nend\n' },
  },
  {
    name: "End of File anchors the hunk at the end",
    before: { "x.txt": "a\nb\na\nb\n" },
    patch: "*** Begin Patch\n*** Update File: x.txt\n@@\n a\n-b\n+B\n*** End of File\n*** End Patch",
    after: { "x.txt": "a\nb\na\nB\n" },
  },
  {
    name: "tolerates a heredoc wrapper and CRLF files",
    before: { "w.txt": "x\r\ny\r\n" },
    patch: "<<'EOF'\n*** Begin Patch\n*** Update File: w.txt\n-y\n+z\n*** End Patch\nEOF",
    after: { "w.txt": "x\r\nz\r\n" },
  },
  {
    name: "rejects a hunk whose context is missing and changes nothing (atomic across files)",
    before: { "ok.txt": "1\n2\n", "bad.txt": "alpha\nbeta\n" },
    patch: "*** Begin Patch\n*** Update File: ok.txt\n-1\n+one\n*** Update File: bad.txt\n@@\n alpha\n-gamma\n+delta\n*** End Patch",
    after: { "ok.txt": "1\n2\n", "bad.txt": "alpha\nbeta\n" },
    error: /Hunk 1 of 1 in bad\.txt: could not find the expected lines[\s\S]*gamma[\s\S]*The file has the first line at line 1/,
  },
  {
    name: "rejects updating a file that does not exist",
    before: {},
    patch: "*** Begin Patch\n*** Update File: nope.js\n-a\n+b\n*** End Patch",
    error: /nope\.js: the file does not exist/,
  },
  {
    name: "rejects a malformed patch with the offending line",
    before: {},
    patch: "*** Begin Patch\n*** Frobnicate File: x\n*** End Patch",
    error: /Line 2: .*not a valid patch header/,
  },
  {
    name: "refuses to write outside the workspace",
    before: {},
    patch: "*** Begin Patch\n*** Add File: ../escape.txt\n+x\n*** End Patch",
    error: /outside the workspace/,
  },
  {
    name: "refuses to write into .git",
    before: { ".git/config": "[core]\n" },
    patch: "*** Begin Patch\n*** Add File: .git/hooks/pre-commit\n+touch /tmp/pwned\n*** End Patch",
    after: { ".git/hooks/pre-commit": null },
    error: /\.git\/ cannot be written/,
  },
];

describe("V4A apply_patch", () => {
  it.each(cases)("$name", async (c) => {
    await files(c.before);
    const result = await applyPatch(dir, c.patch);
    if (c.error) {
      expect(result.ok).toBe(false);
      expect(result.output).toMatch(c.error);
    } else {
      expect(result.output).toMatch(/^Success/);
      expect(result.ok).toBe(true);
    }
    for (const [p, expected] of Object.entries(c.after ?? {})) {
      if (expected === null) expect(existsSync(path.join(dir, p))).toBe(false);
      else expect(await read(p)).toBe(expected);
    }
  });

  it("refuses to write through a symlink that points outside, and through a link to .git", async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), "outside-"));
    try {
      await files({ ".git/config": "[core]\n" });
      await symlink(outside, path.join(dir, "d"));
      await symlink(".git", path.join(dir, "s"));
      const r1 = await applyPatch(dir, "*** Begin Patch\n*** Add File: d/x\n+pwned\n*** End Patch");
      expect(r1.ok).toBe(false);
      expect(existsSync(path.join(outside, "x"))).toBe(false);
      const r2 = await applyPatch(dir, "*** Begin Patch\n*** Update File: s/config\n-[core]\n+[core]\n+\tfsmonitor = touch /tmp/pwned\n*** End Patch");
      expect(r2.ok).toBe(false);
      expect(await read(".git/config")).toBe("[core]\n");
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("parses operations into a typed list", () => {
    const ops = parsePatch("*** Begin Patch\n*** Update File: a\n@@ fn\n ctx\n-x\n+y\n*** Delete File: b\n*** End Patch");
    expect(ops).toEqual([
      { type: "update", path: "a", chunks: [{ anchors: ["fn"], oldLines: ["ctx", "x"], newLines: ["ctx", "y"], isEndOfFile: false }] },
      { type: "delete", path: "b" },
    ]);
  });
});
